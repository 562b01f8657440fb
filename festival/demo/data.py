"""The demo festival's data: editions, organisations, per-session adjustments, celebrations.

Organisations are compact text rows, so ninety of them stay readable (parsed by
``festival.demo.programme``):

    slug | name | kind country zone
        city | languages | first local start and plan | host; host

Kind letters: c city, a association, s school network, y youth group, o other. The plan lists
the organisation's sessions in order, one letter each: L lecture, D debate, W workshop, G game,
R reading, Q Q&A, P performance, O other. Sessions follow one another in the organiser's own
zone with a 30-minute break, so no organisation, host or stream is double-booked, except for
the two deliberate clashes in ``ADJUSTMENTS`` that give conflict detection something to find.
"""

from __future__ import annotations

from datetime import date

FLAGSHIP_SLUG = "learningplanet-2027"
FLAGSHIP_DAY = date(2027, 1, 24)

#: (slug, name, kind, first day, last day, description)
EDITIONS: tuple[tuple[str, str, str, date, date, str], ...] = (
    (
        FLAGSHIP_SLUG,
        "#LearningPlanet Festival 2027",
        "flagship",
        FLAGSHIP_DAY,
        FLAGSHIP_DAY,
        "On 24 January, the International Day of Education, the #LearningPlanet Festival follows "
        "the sun around the world. Cities, associations, school networks and youth groups open "
        "their classrooms, libraries and studios for lectures, debates, workshops, games, "
        "readings and Q&A with youth panels, each at home in its own time zone: the day begins "
        "in Kiritimati and ends about fifty hours later in Pago Pago. This year's readings come "
        'from the "Conversation with the Little Prince" writing competition, in which young '
        "people wrote to the Little Prince about the planet they want to learn on.",
    ),
    (
        "international-literacy-day-2027",
        "International Literacy Day 2027",
        "celebration",
        date(2027, 9, 8),
        date(2027, 9, 8),
        "Reading circles, family literacy workshops and debates on the right to read, run by "
        "festival partners for UNESCO's International Literacy Day on 8 September.",
    ),
    (
        "world-teachers-day-2027",
        "World Teachers' Day 2027",
        "celebration",
        date(2027, 10, 5),
        date(2027, 10, 5),
        "Teachers talk with teachers: Q&A, workshops and debates on the profession, on 5 October, "
        "the day the 1966 ILO/UNESCO Recommendation concerning the Status of Teachers was signed.",
    ),
)

ORGANISATIONS = """
kiritimati-schools | Kiritimati Island Schools Network | s KI Pacific/Kiritimati
    Kiritimati | en gil | 06:00 OLR | Teweia Kaitu; Rubeta Tekiau
tonga-youth-learning | Tonga Youth Learning Collective | y TO Pacific/Tongatapu
    Nukuʻalofa | en to | 08:00 QGW | Sione Vaipulu; Mele Fifita
samoa-readers | Samoa Readers' Association | a WS Pacific/Apia
    Apia | en sm | 09:00 RL | Faʻamoe Leota; Tavita Sapolu
chatham-islands-learning | Chatham Islands Learning Network | s NZ Pacific/Chatham
    Waitangi | en | 09:00 LG | Aroha Tuuta; Jim Preece
wellington-libraries | Wellington City Libraries | c NZ Pacific/Auckland
    Wellington | en mi | 10:00 LDR | Hinewai Parata; Tom Whitcombe
suva-learning-circle | Suva Community Learning Circle | a FJ Pacific/Fiji
    Suva | en fj | 09:30 WQ | Litia Naivalu; Ravi Prasad
sydney-learning-city | Sydney Learning City Network | c AU Australia/Sydney
    Sydney | en | 09:00 LDWP | Grace Nguyen; Liam O'Connor
adelaide-young-readers | Adelaide Young Readers Club | y AU Australia/Adelaide
    Adelaide | en | 10:00 RGQ | Matilda Brooks; Kai Anderson
top-end-remote-schools | Top End Remote Schools Network | s AU Australia/Darwin
    Darwin | en | 09:30 WL | Yalmay Marrkula; Ben Costello
brisbane-makers | Brisbane Makerspace Association | a AU Australia/Brisbane
    Brisbane | en | 13:00 WG | Priya Raman; Josh Kelly
perth-girls-in-stem | Perth Girls in STEM | y AU Australia/Perth
    Perth | en | 10:00 WQ | Chloe Tan; Sarah Whitford
port-moresby-girls | Port Moresby Girls' Education Association | a PG Pacific/Port_Moresby
    Port Moresby | en tpi | 10:00 DL | Dorcas Kila; Serah Wambi
lire-en-caledonie | Association Lire en Calédonie | a NC Pacific/Noumea
    Nouméa | fr | 09:00 RW | Élise Wanabo; Julien Lefèvre
tokyo-learning-forum | Tokyo Community Learning Forum | a JP Asia/Tokyo
    Tokyo | ja en | 10:00 LWG | Haruka Sato; Kenji Ito
seoul-lifelong-learning | Seoul Lifelong Learning Network | c KR Asia/Seoul
    Seoul | ko en | 14:00 LQ | Kim Ji-woo; Park Min-jun
shanghai-reading-alliance | Shanghai Community Reading Alliance | a CN Asia/Shanghai
    Shanghai | zh | 09:00 RLW | Li Wei; Chen Xiaoling
taipei-youth-makers | Taipei Youth Makers | y TW Asia/Taipei
    Taipei | zh en | 13:30 WG | Lin Yu-ting; Huang Chih-hao
manila-teachers | Metro Manila Teachers Network | s PH Asia/Manila
    Manila | en tl | 09:00 WDQ | Maria Santos; Jose Reyes
jakarta-literacy | Gerakan Literasi Jakarta | a ID Asia/Jakarta
    Jakarta | id en | 10:00 RL | Siti Rahmawati; Andi Pratama
saigon-young-readers | Saigon Young Readers | y VN Asia/Ho_Chi_Minh
    Ho Chi Minh City | vi en | 15:00 RG | Nguyen Thi Mai; Tran Van Long
bangkok-learning-city | Bangkok Learning City | c TH Asia/Bangkok
    Bangkok | th en | 10:00 LW | Siriporn Chaiyasit; Anan Wongsa
singapore-lifelong | Singapore Lifelong Learners Association | a SG Asia/Singapore
    Singapore | en zh | 18:00 DL | Rachel Lim; Arjun Pillai
ulaanbaatar-steppe-schools | Steppe Mobile Schools | s MN Asia/Ulaanbaatar
    Ulaanbaatar | mn en | 11:00 WR | Oyunaa Batbayar; Temuulen Ganbold
dhaka-floating-classrooms | Dhaka Floating Classrooms Network | s BD Asia/Dhaka
    Dhaka | bn en | 10:00 WL | Farhana Akter; Rafiq Hossain
kathmandu-teachers | Kathmandu Valley Teachers Network | s NP Asia/Kathmandu
    Kathmandu | ne en | 09:00 LWQ | Sita Shrestha; Binod Gurung
delhi-reading-mission | Delhi Reading Mission | a IN Asia/Kolkata
    New Delhi | hi en | 09:30 RLDW | Ananya Sharma; Rahul Verma
kolkata-childrens-literature | Kolkata Children's Literature Circle | a IN Asia/Kolkata
    Kolkata | bn en | 16:00 RP | Moumita Basu; Arindam Ghosh
bengaluru-young-coders | Bengaluru Young Coders | y IN Asia/Kolkata
    Bengaluru | en hi | 11:00 WGQ | Kavya Rao; Nikhil Iyer
colombo-schools-for-peace | Colombo Schools for Peace | s LK Asia/Colombo
    Colombo | si ta en | 14:00 DW | Nimali Perera; Tharindu Fernando
karachi-girls-learn | Karachi Girls Learn | y PK Asia/Karachi
    Karachi | ur en | 11:00 QL | Ayesha Siddiqui; Hira Baig
almaty-young-scientists | Almaty Young Scientists Club | y KZ Asia/Almaty
    Almaty | kk ru en | 15:00 GL | Aigerim Sadykova; Daniyar Akhmetov
dubai-future-learning | Dubai Future Learning Association | a AE Asia/Dubai
    Dubai | ar en | 12:00 LDW | Mariam Al Hashimi; Omar Farouk
apprendre-ensemble-maurice | Apprendre Ensemble Maurice | a MU Indian/Mauritius
    Port Louis | fr en | 10:00 WR | Nadia Ramsamy; Kevin Lai
tbilisi-open-classrooms | Tbilisi Open Classrooms | s GE Asia/Tbilisi
    Tbilisi | ka en | 13:00 LG | Nino Beridze; Giorgi Kapanadze
tehran-childrens-books | Tehran Children's Book Circle | a IR Asia/Tehran
    Tehran | fa | 10:00 RW | Maryam Karimi; Reza Ahmadi
riyadh-youth-reading | Riyadh Youth Reading Forum | y SA Asia/Riyadh
    Riyadh | ar | 16:00 RQ | Noura Al-Qahtani; Faisal Al-Harbi
amman-youth-forum | Amman Youth Learning Forum | y JO Asia/Amman
    Amman | ar en | 11:00 DQW | Lina Haddad; Yazan Khalil
beirut-reads | Beirut Reads | a LB Asia/Beirut
    Beirut | ar fr en | 17:00 RP | Rania Khoury; Karim Nassar
istanbul-learning-neighbourhoods | İstanbul Learning Neighbourhoods | c TR Europe/Istanbul
    İstanbul | tr en | 10:00 LW | Elif Yılmaz; Emre Demir
kyiv-education-hub | Kyiv Education Hub | o UA Europe/Kyiv
    Kyiv | uk en | 12:00 LQ | Olena Kovalenko; Taras Bondar
helsinki-learning-services | City of Helsinki Learning Services | c FI Europe/Helsinki
    Helsinki | fi en | 10:00 LD | Aino Virtanen; Mikko Laine
warsaw-young-debaters | Warsaw Young Debaters | y PL Europe/Warsaw
    Warsaw | pl en | 15:00 DG | Zofia Nowak; Jakub Wiśniewski
berliner-bildungsnetzwerk | Berliner Bildungsnetzwerk | a DE Europe/Berlin
    Berlin | de en | 10:00 WL | Lena Schmidt; Jonas Becker
ville-de-paris | Ville de Paris | c FR Europe/Paris
    Paris | fr en | 09:30 LDWP | Camille Martin; Thomas Lefebvre
petit-prince-a-l-ecole | Le Petit Prince à l'école | a FR Europe/Paris
    Lyon | fr | 10:00 RRQ | Sophie Moreau; Antoine Bernard
learningplanet-festival-team | #LearningPlanet Festival Team | o FR Europe/Paris
    Paris | en fr | 12:00 LOQ | Inès Laurent; David Kahn
ecoles-de-bruxelles | Réseau des écoles de Bruxelles | s BE Europe/Brussels
    Brussels | fr nl | 13:00 WG | Julie Peeters; Mehdi El Amrani
madrid-aprende | Madrid Aprende | c ES Europe/Madrid
    Madrid | es | 11:00 LR | Lucía García; Javier Martín
scuole-aperte-roma | Rete Scuole Aperte Roma | s IT Europe/Rome
    Rome | it en | 10:00 WD | Giulia Romano; Marco Ricci
london-young-readers | London Young Readers Trust | a GB Europe/London
    London | en | 10:00 RLG | Olivia Hughes; Kwame Mensah
dublin-youth-theatre | Dublin Youth Theatre for Learning | y IE Europe/Dublin
    Dublin | en ga | 14:00 PW | Aoife Byrne; Cian Murphy
lisboa-cidade-educadora | Lisboa Cidade Educadora | c PT Europe/Lisbon
    Lisbon | pt | 10:00 LW | Inês Carvalho; Tiago Ferreira
escolas-dos-acores | Rede de Escolas dos Açores | s PT Atlantic/Azores
    Ponta Delgada | pt | 10:00 RG | Beatriz Medeiros; Rui Furtado
cairo-young-innovators | Cairo Young Innovators | y EG Africa/Cairo
    Cairo | ar en | 12:00 WDQ | Salma Mahmoud; Youssef Adel
addis-reading-corners | Addis Ababa Reading Corners | a ET Africa/Addis_Ababa
    Addis Ababa | am en | 10:00 RL | Hiwot Tesfaye; Dawit Bekele
nairobi-youth-learning | Nairobi Youth Learning Network | y KE Africa/Nairobi
    Nairobi | sw en | 09:00 DQWG | Wanjiru Kamau; Brian Otieno
walimu-dar-es-salaam | Chama cha Walimu Dar es Salaam | s TZ Africa/Dar_es_Salaam
    Dar es Salaam | sw | 10:00 WR | Neema Mwakyusa; Juma Salim
kampala-community-libraries | Kampala Community Libraries | c UG Africa/Kampala
    Kampala | en lg | 14:00 RL | Grace Nakato; Isaac Ssempa
soweto-maths-clubs | Soweto Maths Clubs | y ZA Africa/Johannesburg
    Johannesburg | en zu | 10:00 GQW | Thandiwe Dlamini; Sipho Nkosi
aprender-maputo | Associação Aprender Maputo | a MZ Africa/Maputo
    Maputo | pt | 09:00 WL | Ana Macuácua; Celso Tembe
ecoles-de-kinshasa | Réseau des écoles de Kinshasa | s CD Africa/Kinshasa
    Kinshasa | fr ln | 10:00 LD | Grâce Mbuyi; Patrick Ilunga
jovens-leitores-luanda | Jovens Leitores de Luanda | y AO Africa/Luanda
    Luanda | pt | 15:00 RG | Esperança Neto; Mário Domingos
lagos-learning-collective | Lagos Learning Collective | o NG Africa/Lagos
    Lagos | en yo | 10:00 LPW | Chiamaka Okafor; Tunde Adeyemi
lecture-tunisie | Association Tunisienne pour la Lecture | a TN Africa/Tunis
    Tunis | ar fr | 10:00 RD | Amel Ben Salah; Skander Trabelsi
casablanca-ville-apprenante | Casablanca Ville Apprenante | c MA Africa/Casablanca
    Casablanca | ar fr | 11:00 LW | Salma Bennani; Youssef El Idrissi
dakar-jeunes-lecteurs | Dakar Jeunes Lecteurs | y SN Africa/Dakar
    Dakar | fr wo | 10:00 RQG | Aminata Ndiaye; Moussa Sow
ecoles-d-abidjan | Réseau des écoles d'Abidjan | s CI Africa/Abidjan
    Abidjan | fr | 09:00 WL | Fatou Koné; Yao Kouassi
accra-young-scientists | Accra Young Scientists | y GH Africa/Accra
    Accra | en tw | 14:00 GQ | Akosua Asante; Kofi Boateng
escolas-abertas-praia | Escolas Abertas da Praia | s CV Atlantic/Cape_Verde
    Praia | pt | 10:00 WR | Djamila Tavares; Nuno Fortes
escola-do-mar-noronha | Escola do Mar de Noronha | s BR America/Noronha
    Fernando de Noronha | pt | 09:00 LG | Luana Ribeiro; Caio Nascimento
rede-aprender-sao-paulo | Rede Aprender São Paulo | c BR America/Sao_Paulo
    São Paulo | pt | 10:00 LDW | Fernanda Oliveira; Rafael Souza
buenos-aires-educadora | Buenos Aires Ciudad Educadora | c AR America/Argentina/Buenos_Aires
    Buenos Aires | es | 10:00 LR | Valentina Fernández; Martín Gómez
escuelas-abiertas-montevideo | Red de Escuelas Abiertas Montevideo | s UY America/Montevideo
    Montevideo | es | 11:00 WG | Camila Rodríguez; Diego Pereira
jovenes-que-leen-chile | Jóvenes que Leen Chile | y CL America/Santiago
    Santiago | es | 12:00 RQ | Sofía Muñoz; Benjamín Rojas
st-johns-youth-library-council | St. John's Youth Library Council | y CA America/St_Johns
    St. John's | en | 10:00 RQG | Emma Walsh; Liam Power
maestros-de-bolivia | Red de Maestros de Bolivia | s BO America/La_Paz
    La Paz | es ay | 10:00 WL | Ximena Quispe; Álvaro Mamani
caracas-lee | Caracas Lee | a VE America/Caracas
    Caracas | es | 10:00 RD | Andrea Pérez; Luis Rivas
bogota-ciudad-lectora | Bogotá Ciudad Lectora | c CO America/Bogota
    Bogotá | es | 09:00 LRW | Mariana López; Santiago Herrera
aprendo-jugando-lima | Asociación Aprendo Jugando | a PE America/Lima
    Lima | es qu | 10:00 GW | Rosa Huamán; Carlos Quispe
lekol-ouve-ayiti | Lekòl Ouvè Ayiti | s HT America/Port-au-Prince
    Port-au-Prince | ht fr | 10:00 RL | Widline Joseph; Jean-Robert Pierre
montreal-ville-apprenante | Montréal, ville apprenante | c CA America/Toronto
    Montréal | fr en | 10:00 LD | Geneviève Tremblay; Mathieu Gagnon
nyc-student-voice | NYC Student Voice Collective | y US America/New_York
    New York | en es | 11:00 DQP | Jasmine Rivera; Marcus Johnson
chicago-neighborhood-libraries | Chicago Neighborhood Libraries Alliance | a US America/Chicago
    Chicago | en es | 10:00 RW | Keisha Williams; Daniel Kowalski
escuelas-aprendiendo-juntos | Red Mexicana Aprendiendo Juntos | s MX America/Mexico_City
    Mexico City | es | 09:00 LWG | Guadalupe Hernández; Alejandro Torres
escuelas-bilingues-guatemala | Escuelas Bilingües de Guatemala | s GT America/Guatemala
    Guatemala City | es | 10:00 RW | Ixchel Coc; Mario Xol
rocky-mountain-outdoor-learning | Rocky Mountain Outdoor Learning | a US America/Denver
    Denver | en | 10:00 WL | Hannah Clark; Tyler Brooks
la-youth-poets | Los Angeles Youth Poets | y US America/Los_Angeles
    Los Angeles | en es | 13:00 PRD | Maya Chen; Diego Alvarez
alaska-rural-schools | Alaska Rural Schools Network | s US America/Anchorage
    Anchorage | en | 10:00 LQ | Nora Ahgeak; Caleb Swanson
nuku-hiva-learning-circle | Nuku Hiva Learning Circle | a PF Pacific/Marquesas
    Taiohae | fr | 09:00 RG | Teiki Tehuiotoa; Hina Pahuatini
ecoles-de-papeete | Réseau des écoles de Papeete | s PF Pacific/Tahiti
    Papeete | fr ty | 10:00 WL | Vaimiti Teriitahi; Manuarii Tapu
honolulu-ocean-learning | Honolulu Ocean Learning Hui | a US Pacific/Honolulu
    Honolulu | en haw | 10:00 LWG | Leilani Kahale; Keoni Akana
pago-pago-youth-voices | Pago Pago Youth Voices | y AS Pacific/Pago_Pago
    Pago Pago | en sm | 14:00 QPO | Malia Tuiasosopo; Ioane Faleolo
"""

#: Hand-made adjustments to generated flagship sessions, keyed by (organisation slug, number).
#: ``start`` moves the session (and the ones after it), ``hosts`` adds guests, ``stream``
#: replaces the organisation's own stream, ``status`` sets draft or cancelled, ``title`` and
#: ``summary`` replace the generated text.
ADJUSTMENTS: dict[tuple[str, int], dict[str, str]] = {
    ("kiritimati-schools", 1): {
        "title": "Sunrise on 24 January: the festival opens in Kiritimati",
        "summary": "The first place on Earth to reach 24 January opens the festival: "
        "children of the Line Islands greet the sun and hand the day to the Pacific.",
        "stream": "main-stage",
    },
    ("pago-pago-youth-voices", 3): {
        "start": "20:00",
        "title": "Last light: the festival closes in Pago Pago",
        "summary": "The last place on Earth where it is still 24 January closes the festival "
        "with songs, a youth declaration and a goodbye to every time zone.",
        "stream": "main-stage",
    },
    # Festival ambassadors who host twice, hours apart: no conflict.
    ("dakar-jeunes-lecteurs", 1): {"hosts": "Amina Diallo"},
    ("petit-prince-a-l-ecole", 3): {"hosts": "Amina Diallo"},
    ("bogota-ciudad-lectora", 1): {"hosts": "Tomás Ortega"},
    ("jovenes-que-leen-chile", 2): {"hosts": "Tomás Ortega"},
    ("kathmandu-teachers", 3): {"hosts": "Meera Joshi"},
    ("delhi-reading-mission", 4): {"hosts": "Meera Joshi"},
    # The deliberate host double-booking: both start at 10:00 UTC.
    ("lagos-learning-collective", 1): {"hosts": "Dr. Nadia Okonkwo", "start": "11:00"},
    ("ville-de-paris", 2): {"hosts": "Dr. Nadia Okonkwo"},
    # The deliberate stream clash: both start at 15:00 UTC on studio-2.
    ("london-young-readers", 3): {"stream": "studio-2", "start": "15:00"},
    ("berliner-bildungsnetzwerk", 2): {"stream": "studio-2", "start": "16:00"},
    # Not yet published, and called off.
    ("learningplanet-festival-team", 3): {"status": "draft"},
    ("honolulu-ocean-learning", 3): {"status": "draft"},
    ("caracas-lee", 2): {"status": "cancelled"},
    ("kyiv-education-hub", 2): {"status": "cancelled"},
}

#: Sessions of the other celebrations:
#: (edition slug, organisation slug, kind letter, local start, minutes, audience, SDGs, title,
#: summary). Languages, hosts and stream come from the organisation.
CELEBRATION_SESSIONS: tuple[tuple[str, str, str, str, int, str, str, str, str], ...] = (
    (
        "international-literacy-day-2027",
        "delhi-reading-mission",
        "R",
        "10:00",
        60,
        "children",
        "4 5",
        "साक्षरता दिवस: हर बच्चे के हाथ में एक किताब",
        "Volunteers read aloud in Hindi and English and hand out the first library card of "
        "every child who comes.",
    ),
    (
        "international-literacy-day-2027",
        "dakar-jeunes-lecteurs",
        "R",
        "16:00",
        60,
        "youth",
        "4",
        "Lire à voix haute, lire pour les autres",
        "De jeunes lecteurs de Dakar lisent en français et en wolof et expliquent comment ils "
        "ont appris à aimer les livres.",
    ),
    (
        "international-literacy-day-2027",
        "london-young-readers",
        "L",
        "18:30",
        60,
        "adults",
        "4 10",
        "Adult literacy: it is never too late to read",
        "Adults who learned to read after forty talk with the tutors who helped them.",
    ),
    (
        "international-literacy-day-2027",
        "bogota-ciudad-lectora",
        "W",
        "09:00",
        90,
        "educators",
        "4",
        "Taller: bibliotecas de aula con cero presupuesto",
        "Docentes de Bogotá comparten cómo armaron bibliotecas de aula con libros donados.",
    ),
    (
        "international-literacy-day-2027",
        "nairobi-youth-learning",
        "D",
        "14:00",
        75,
        "youth",
        "4 9",
        "Mother tongue or English first? A youth debate on early reading",
        "Two teams of Nairobi students argue which language children should learn to read in.",
    ),
    (
        "world-teachers-day-2027",
        "kathmandu-teachers",
        "Q",
        "15:00",
        45,
        "educators",
        "4 8",
        "Ask a teacher: thirty years in mountain classrooms",
        "Retired and newly qualified teachers from the Kathmandu Valley answer your questions.",
    ),
    (
        "world-teachers-day-2027",
        "ville-de-paris",
        "L",
        "18:00",
        60,
        "educators",
        "4",
        "Enseigner en 2027 : ce que les enseignants attendent de leur ville",
        "Des enseignants parisiens présentent leurs propositions pour mieux accueillir les "
        "nouveaux collègues.",
    ),
    (
        "world-teachers-day-2027",
        "manila-teachers",
        "W",
        "13:00",
        90,
        "educators",
        "4 5",
        "Workshop: mentoring the teachers who mentor us",
        "A peer-mentoring circle for new teachers, with a template every school can reuse.",
    ),
    (
        "world-teachers-day-2027",
        "escuelas-aprendiendo-juntos",
        "D",
        "17:00",
        75,
        "educators",
        "4 8",
        "Debate: ¿cuántos alumnos por maestro son demasiados?",
        "Maestros y familias debaten sobre el tamaño de los grupos y la calidad del aprendizaje.",
    ),
)
