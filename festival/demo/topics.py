"""Titles and summaries the demo festival draws its sessions from, per language and kind.

Each language is a text block parsed by ``festival.demo.programme``: a ``[K]`` line opens a
kind (the plan letters of ``festival.demo.data``), then each topic is one line
``audience SDGs | title`` followed by indented summary lines. ``{city}`` is replaced by the
organiser's city, so one topic can serve several organisations without repeating a title.
Other languages are in ``festival.demo.topics_world``.
"""

from __future__ import annotations

from festival.demo.topics_world import (
    ARABIC,
    CHINESE,
    FRENCH,
    HINDI,
    JAPANESE,
    PORTUGUESE,
    SPANISH,
    SWAHILI,
)

ENGLISH = """
[L]
everyone 4 11 | Learning cities: what {city} has learned in ten years
    The team behind {city}'s lifelong-learning plan shares what worked, what failed and what the
    numbers say.
educators 4 3 | Why play is serious learning: the science of curiosity
    A developmental psychologist explains how play builds attention, language and self-control,
    with examples teachers can try on Monday.
everyone 4 13 | Climate literacy for every classroom
    What every school leaver should understand about the climate, and how to teach it without
    spreading fear.
educators 4 9 | Artificial intelligence in the classroom: tool, tutor or trap?
    A clear-eyed look at what AI tutors do well, where they fail, and what stays the teacher's job.
educators 4 10 | Learning in the mother tongue: evidence from {city}
    Children learn to read faster in the language they speak at home; teachers from {city} show
    how bilingual classrooms make it work.
everyone 4 14 | The ocean is a classroom
    Marine scientists on teaching ocean science from the shore, the reef and the fish market.
everyone 4 5 | Girls in science: closing the gap before it opens
    Why many girls drop science at twelve, and what the schools that kept them did differently.
adults 4 16 | Learning after a crisis: the schools that reopened
    Teachers who reopened schools after floods, earthquakes and conflict tell how they brought
    the children back.
youth 4 3 | How memory works, and how to study with it
    Spaced practice, retrieval and sleep: a neuroscientist on studying smarter, not longer.
adults 4 16 | The right to education: from the Universal Declaration to 2030
    A short history of education as a human right, and where the world stands on SDG 4.
everyone 4 11 | Libraries as the third place of {city}
    How neighbourhood libraries in {city} became homework clubs, makerspaces and meeting rooms.
educators 4 10 15 | Indigenous knowledge in the school curriculum
    Elders and teachers on bringing land, language and traditional knowledge into the classroom.
youth 4 16 | Digital citizenship: growing up online
    Privacy, misinformation and kindness online, explained by young researchers who study them.
educators 4 3 | Teaching for wellbeing: the whole child
    Schools that put wellbeing first report better learning too: the evidence and the practice.
children 4 2 12 | What grows in the school gardens of {city}
    The gardeners of {city}'s schools show how one vegetable patch teaches biology, maths and
    nutrition at once.
everyone 4 | Learning to learn: metacognition for everyone
    A practical introduction to thinking about your own thinking, for learners of every age.
educators 4 17 | Open educational resources: free to learn, free to share
    How openly licensed textbooks and courses reach the schools that cannot buy them.
adults 4 | The future of exams
    Should exams test what you remember or what you can do? Assessment researchers compare
    systems from four continents.
everyone 4 7 13 | Green schools: buildings that teach
    Architects and pupils on classrooms that run on sunlight and show how they do it.
educators 4 10 | Inclusive classrooms in {city}: every learner belongs
    Teachers from {city} on adapting lessons for pupils with disabilities, and what changed
    for everyone else.
[D]
youth 4 | Should homework be abolished?
    Two student teams argue for and against homework; the audience votes before and after.
youth 4 3 | Phones in school: ban them or teach with them?
    Students and teachers disagree, politely, about the device in every pocket.
youth 4 9 | Is AI writing the end of the school essay?
    Young writers and teachers debate what an essay is for when a machine can draft one.
everyone 4 13 | Should climate education be compulsory in {city}?
    Pupils, parents and a city councillor debate whether every school in {city} must teach it.
educators 4 | Grades or feedback: what helps students learn?
    Teachers who dropped marks debate teachers who kept them.
youth 4 3 | Should school start later for teenagers?
    Sleep scientists say yes; bus timetables say no. Students decide.
youth 4 16 | Who should decide what we learn?
    Students, teachers and a ministry adviser argue over who writes the curriculum.
youth 4 8 | Is university still worth it?
    Apprentices, graduates and dropouts compare notes on the road to work.
adults 4 10 | One world language or many?
    Linguists debate language policy in schools of a multilingual world.
youth 4 16 | Should student councils have real power?
    Young council members from {city} argue for a budget and a vote.
adults 4 3 | Screens before five: harm or help?
    Paediatricians and early-years teachers debate screen time for the youngest.
everyone 4 | Can games teach as well as teachers?
    Game designers face teachers in a debate the audience judges with a live poll.
[W]
children 4 13 | Build a rain gauge and read the weather
    Make a rain gauge from a bottle, then learn to read the clouds like a meteorologist.
youth 4 11 | Design your dream school in an hour
    Draw, argue and build a model of the school you would like to learn in.
children 4 | Paper theatre: tell a story with kamishibai
    Make picture cards and perform your own story, the Japanese street-theatre way.
children 4 9 | Coding for beginners: make a game in Scratch
    Your first game in sixty minutes, no experience needed.
educators 4 16 | Facilitating difficult conversations in class
    Techniques for talking about conflict, loss and injustice with pupils.
everyone 4 11 | Mapping the learning places of {city}
    Put {city}'s libraries, gardens, workshops and museums on one shared map.
youth 4 7 | Build a solar-powered lamp
    Solder, test and take home a lamp that charges in the sun.
youth 4 16 | Fact-checking for young reporters
    Learn how journalists verify a photo, a quote and a statistic.
children 4 | Writing workshop: a letter to the Little Prince
    Write to the Little Prince about your own planet, like the finalists of the writing
    competition.
educators 4 | Making podcasts in the classroom
    Plan, record and publish a class podcast with a phone and free software.
children 4 12 | Upcycling lab: turn rubbish into learning kits
    Bottle caps become counters, boxes become microscopes.
educators 4 | Project-based learning: a toolkit from {city}
    Teachers from {city} share the plans, rubrics and mistakes of a year of projects.
everyone 4 10 | Sign language basics for classmates
    Greetings, names and classroom phrases, taught by Deaf students.
children 4 | Maths with everyday objects
    Fractions with fruit, geometry with string, statistics with shoes.
youth 4 9 12 | Robotics with recycled parts
    Build a moving robot from motors rescued from old toys.
educators 4 3 | Mindfulness for teachers: ten minutes a day
    Short practices that fit between two lessons.
everyone 4 15 | Citizen science: count the birds of {city}
    Learn to recognise the common birds of {city} and add your sightings to a shared survey.
youth 3 4 | First aid for students
    What to do in the first five minutes, practised on mannequins.
educators 4 10 | Designing accessible lessons
    Captions, contrast and clear language: make one lesson work for every learner.
children 4 15 | Seed bombs for the school garden
    Mix clay, soil and seeds, and learn why pollinators need them.
youth 4 13 | Write your own climate story
    From data to narrative: turn a climate fact into a story people remember.
educators 4 17 | Adapt an open textbook for your class
    Find, remix and print an openly licensed chapter in your pupils' language.
youth 4 9 | Build a chatbot, and watch where it goes wrong
    Program a simple chatbot and test it until it says something silly.
children 4 | Origami geometry
    Fold a crane and discover the angles and symmetries hiding in it.
[G]
everyone 4 17 | SDG quiz: how well do you know the Global Goals?
    Seventeen goals, thirty-four questions, teams from every time zone.
youth 4 11 | Escape room: save the library of {city}
    Solve the puzzles before the last book of {city}'s library is lost.
children 4 13 | The climate card game: causes and consequences
    Put the cards in order and discover how they connect.
everyone 4 | Around the world in 24 time zones: a geography quiz
    Where is it already tomorrow? A quiz that follows the festival around the planet.
children 4 10 | Word chain relay across languages
    Each team adds a word in a different language; the longest chain wins.
children 4 | Maths battle: a mental arithmetic tournament
    Quick sums, big cheers, no calculators.
everyone 4 14 | Ocean trivia with marine biologists
    Which fish changes colour? How deep is the deepest trench? Play against scientists.
youth 4 11 | Build the city: a cooperative game about sustainable towns
    Plan housing, transport and parks together, and see if the city still works in 2050.
children 4 | Science bingo
    Watch the experiments, tick the reactions, shout bingo.
children 4 | The mystery of the missing books: a reading treasure hunt in {city}
    Follow the clues hidden in the books of {city}'s library.
everyone 4 | Chess in the park: learn and play
    Learn the moves, then play against the club's youngest champion.
children 4 10 | The spelling bee of the planet
    Spell a word from every continent.
youth 4 9 | Guess the invention: a history-of-technology quiz
    From the abacus to the smartphone: who invented what, and where?
children 4 | Live quiz: the planets of the Little Prince
    The king, the geographer, the lamplighter: how well do you know the asteroids?
youth 4 16 | The great fake-news challenge
    Real headline or invented? Teams race to check.
children 4 9 | Coding challenge: guide the robot home
    Write the shortest program that gets the robot through the maze.
[R]
children 4 | Conversation with the Little Prince: letters from {city}
    Finalists of the "Conversation with the Little Prince" writing competition in {city} read the
    letters they wrote to the Little Prince about their own planet.
youth 4 | Conversation with the Little Prince: the youth finalists read
    Teenage finalists of the writing competition read their letters and explain what they would
    ask the Little Prince today.
children 4 | "Draw me a sheep": young writers of {city} answer the Little Prince
    Pupils from {city} read the drawings and stories they sent to the writing competition.
children 4 16 | The fox's secret: readings on friendship
    Letters from the "Conversation with the Little Prince" competition about taming and being
    tamed.
everyone 4 13 | Letters to a planet: award-winning letters to the Little Prince
    The competition's prize-winning letters about caring for a small planet, read by their
    authors.
children 4 | Bedtime stories from around the world
    Storytellers read one story from each continent, ending with a lullaby.
youth 4 14 | Poetry of the sea: young poets of {city}
    Young poets from {city} read poems about the ocean, the tide and the people who live by it.
everyone 4 10 | Grandparents read: stories in the languages of {city}
    Grandparents read the stories they were told as children, in the languages of {city}.
everyone 4 | Read-aloud marathon: one hour, ten voices
    Ten readers of every age take turns with their favourite page.
children 4 | Picture books that changed us
    Illustrators read the picture book that made them want to draw.
youth 4 | The school anthology of {city}: writers in residence read
    Students of {city} read from the anthology they wrote with a writer in residence.
youth 4 13 | Reading circle: books about the climate
    A reading circle on novels and essays about a warming world.
children 4 | Folk tales of {city}, retold by children
    Children of {city} retell the tales their families know, with puppets.
children 4 15 | A baobab, a rose and a volcano: Little Prince stories by ten-year-olds
    The youngest finalists of the writing competition read their stories.
[Q]
youth 4 | Q&A with the youth panel: what school should teach next
    Five young people from five countries answer your questions about the curriculum they want.
youth 3 4 13 | Ask the youth panel: climate anxiety and what helps
    Young activists on worry, action and keeping hope, answering questions from the audience.
everyone 4 | Meet the young writers of the Little Prince competition
    The finalists answer questions about writing, reading and their planets.
children 4 9 | Ask a scientist anything
    No question is too small: scientists answer questions from children.
youth 4 8 | Youth panel: learning for jobs that don't exist yet
    Students and young workers on skills, change and the first job.
youth 4 16 | Q&A with the youth council of {city}
    The young councillors of {city} answer questions on what they changed this year.
everyone 4 | Ask a librarian: the right book for anyone
    Tell the librarians who you are reading for, and get three suggestions.
youth 4 5 9 | Youth panel: girls who code
    Young programmers answer questions about learning to code and staying in tech.
adults 4 | Ask the teachers: what we wish parents knew
    Teachers answer parents' questions about homework, screens and school reports.
youth 4 10 | Youth panel: learning with a disability
    Students answer questions about what helps, what does not, and what classmates can do.
youth 4 | Q&A: how do you revise? Students answer
    Students who just passed their exams share their methods.
youth 4 10 | Youth panel: growing up between two languages
    Bilingual teenagers answer questions about home, school and switching languages.
everyone 4 17 | Ask the organisers: run a festival session next year
    The festival team answers questions about hosting a session in your city.
[P]
youth 4 | Spoken word: what learning means to me
    Young poets perform pieces about school, curiosity and second chances.
everyone 4 17 | Children's choir: songs of the Global Goals
    A school choir sings one song for each group of goals.
everyone 4 | Theatre: The Little Prince, staged by the pupils of {city}
    The pupils of {city} perform their own adaptation of The Little Prince.
children 4 13 | Dance of the seasons: a school performance
    A dance about the year's weather, choreographed by the pupils.
youth 4 | Hip-hop and the alphabet
    Young rappers perform the alphabet songs they wrote for their little brothers and sisters.
children 4 | Puppet show: the fox and the rose
    A puppet show for the youngest, based on the Little Prince.
everyone 4 | Drumming circle: rhythm and maths
    Count, divide and play: rhythms that teach fractions.
[O]
everyone 4 17 | Follow the sun: live relay from the festival studio
    The festival studio checks in with organisers across time zones, live.
everyone 4 11 | Learning walk: a guided tour of the learning places of {city}
    A walking tour, streamed live, of the places where {city} learns.
everyone 4 | Open classroom: drop in and see a lesson
    A real lesson, streamed live; ask the class questions at the end.
adults 4 17 | Festival café: meet organisers from every continent
    An informal hour for organisers to meet, compare notes and plan next year.
"""

#: Topic blocks by language code; English is also the fallback for every other language.
TOPICS: dict[str, str] = {
    "en": ENGLISH,
    "fr": FRENCH,
    "es": SPANISH,
    "pt": PORTUGUESE,
    "ar": ARABIC,
    "hi": HINDI,
    "ja": JAPANESE,
    "zh": CHINESE,
    "sw": SWAHILI,
}
