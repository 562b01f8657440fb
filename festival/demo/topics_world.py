"""Demo topics in French, Spanish, Portuguese, Arabic, Hindi, Japanese, Chinese and Swahili.

Same format as ``festival.demo.topics``; summaries of titles in scripts most visitors cannot
read are in English and say which language the session is in.
"""

from __future__ import annotations

FRENCH = """
[L]
everyone 4 11 | Apprendre tout au long de la vie à {city}
    Élus, bibliothécaires et associations présentent les lieux où l'on apprend à {city}, de la
    crèche à l'université du temps libre.
educators 4 9 | L'école à l'heure de l'intelligence artificielle
    Ce que les outils d'IA changent vraiment en classe, et ce qu'ils ne changeront pas.
educators 4 13 | Éduquer au climat dès la maternelle
    Des enseignants montrent comment parler du climat aux plus petits sans leur faire peur.
educators 4 10 | Les langues maternelles à l'école
    Apprendre à lire dans la langue de la maison : retours d'expérience de classes bilingues.
[D]
youth 4 | Faut-il supprimer les devoirs à la maison ?
    Deux équipes de lycéens s'affrontent ; le public vote avant et après le débat.
youth 4 3 | Le téléphone portable a-t-il sa place en classe ?
    Élèves, enseignants et parents confrontent leurs arguments.
educators 4 | Notes ou appréciations : comment mieux évaluer ?
    Des enseignants qui ont abandonné les notes débattent avec ceux qui les ont gardées.
[W]
children 4 | Atelier d'écriture : une lettre au Petit Prince
    Les enfants écrivent au Petit Prince pour lui décrire leur planète, comme les lauréats du
    concours.
children 4 13 | Fabriquer un pluviomètre et lire la météo
    Un pluviomètre en bouteille, puis une leçon pour lire les nuages.
youth 4 11 | Atelier bande dessinée : raconter son quartier à {city}
    Scénario, cases et bulles : les jeunes de {city} dessinent leur quartier.
children 4 9 | Initiation au code : créer son premier jeu vidéo
    Un jeu en soixante minutes, sans aucune expérience.
educators 4 | Former les enseignants à la pédagogie de projet
    Outils, grilles d'évaluation et erreurs à éviter, partagés par des enseignants de {city}.
[G]
everyone 4 17 | Grand quiz des Objectifs de développement durable
    Dix-sept objectifs, trente-quatre questions, des équipes de tous les fuseaux horaires.
youth 4 11 | Escape game : sauvez la bibliothèque de {city} !
    Résolvez les énigmes avant que le dernier livre de la bibliothèque ne disparaisse.
children 4 | Jeu de piste des mots à travers {city}
    Des indices cachés dans les rues de {city} mènent à un mot mystère.
[R]
children 4 | Conversation avec le Petit Prince : les lauréats de {city} lisent leurs lettres
    Les lauréats du concours d'écriture « Conversation avec le Petit Prince » lisent les lettres
    qu'ils ont écrites au Petit Prince sur leur propre planète.
children 4 | « Dessine-moi un mouton » : lectures des jeunes écrivains de {city}
    Les élèves de {city} lisent les textes et dessins envoyés au concours.
children 4 16 | Le renard et la rose : lectures sur l'amitié
    Des lettres du concours « Conversation avec le Petit Prince » sur l'art d'apprivoiser.
children 4 10 | Contes et légendes de {city} lus par les enfants
    Les enfants de {city} racontent les contes de leurs familles.
youth 4 13 | Lettres à une planète : les finalistes lycéens lisent leurs textes
    Les lycéens finalistes du concours lisent leurs lettres sur une planète à protéger.
[Q]
youth 4 | Questions au panel jeunesse : l'école de demain
    Cinq jeunes de cinq pays répondent à vos questions sur l'école qu'ils veulent.
everyone 4 | Rencontre avec les jeunes lauréats du concours Petit Prince
    Les lauréats répondent aux questions du public sur l'écriture et la lecture.
[P]
everyone 4 | Théâtre : Le Petit Prince joué par les élèves de {city}
    Les élèves de {city} jouent leur propre adaptation du Petit Prince.
"""

SPANISH = """
[L]
everyone 4 11 | Ciudades que aprenden: la experiencia de {city}
    Responsables municipales y bibliotecarias cuentan cómo {city} convirtió plazas y bibliotecas
    en aulas abiertas.
educators 4 10 | Educación intercultural bilingüe: aprender en la lengua propia
    Docentes comparten cómo enseñan a leer en la lengua que los niños hablan en casa.
educators 4 9 | La inteligencia artificial en el aula: ¿aliada o amenaza?
    Qué cambia de verdad con la IA en la escuela, y qué sigue siendo tarea del docente.
everyone 4 13 | Alfabetización climática para todas las edades
    Lo que toda persona debería entender sobre el clima, explicado sin alarmismo.
[D]
youth 4 3 | Debate: ¿deberían prohibirse los celulares en la escuela?
    Estudiantes y docentes discuten sobre el aparato que todos llevan en el bolsillo.
youth 4 | ¿Las tareas escolares ayudan a aprender?
    Dos equipos de estudiantes debaten; el público vota antes y después.
[W]
children 4 | Taller de escritura: una carta al Principito
    Los niños escriben al Principito sobre su propio planeta, como los finalistas del concurso.
youth 4 9 12 | Taller de robótica con materiales reciclados
    Construye un robot que se mueve con motores rescatados de juguetes viejos.
children 4 2 15 | Huertos escolares: aprender ciencias sembrando
    Biología, matemáticas y nutrición en un solo huerto.
educators 4 | Taller docente: aprendizaje basado en proyectos en {city}
    Docentes de {city} comparten planificaciones, rúbricas y errores de un año de proyectos.
children 4 | Matemáticas con juegos de mesa
    Fracciones, probabilidades y estrategia con dados y fichas.
[G]
everyone 4 17 | Gran concurso de los Objetivos de Desarrollo Sostenible
    Diecisiete objetivos, treinta y cuatro preguntas, equipos de todos los husos horarios.
children 4 | Búsqueda del tesoro lectora en {city}
    Pistas escondidas en los libros de las bibliotecas de {city}.
children 4 | Torneo de ajedrez escolar
    Aprende los movimientos y juega contra la campeona más joven del club.
[R]
children 4 | Conversación con el Principito: las cartas de los finalistas de {city}
    Finalistas del concurso de escritura «Conversación con el Principito» leen las cartas que
    escribieron al Principito sobre su propio planeta.
children 4 10 | Lectura en voz alta: cuentos y leyendas de {city}
    Niñas y niños de {city} leen los cuentos que se cuentan en sus familias.
youth 4 13 | Poesía joven: versos sobre el planeta
    Jóvenes poetas leen poemas sobre la tierra, el agua y el futuro.
youth 4 16 | «Domesticar es crear lazos»: lecturas sobre la amistad
    Cartas del concurso sobre la amistad y el cuidado de los demás.
[Q]
youth 4 | Preguntas al panel juvenil: la escuela que queremos
    Cinco jóvenes responden a tus preguntas sobre la escuela del futuro.
"""

PORTUGUESE = """
[L]
everyone 4 11 | Cidades que aprendem: a experiência de {city}
    Como {city} transformou bibliotecas, praças e mercados em lugares de aprendizagem.
educators 4 13 | Educação para o clima nas escolas
    O que todos os alunos deveriam compreender sobre o clima, e como ensiná-lo sem medo.
everyone 4 14 | O oceano como sala de aula
    Biólogos marinhos ensinam ciência a partir da praia, do recife e do mercado de peixe.
educators 4 9 | Inteligência artificial na escola: o que muda?
    O que a IA faz bem, onde falha e o que continua a ser tarefa do professor.
[D]
youth 4 3 | Debate: celulares na escola, proibir ou ensinar?
    Estudantes e professores discordam sobre o aparelho que está em todos os bolsos.
[W]
children 4 | Oficina de escrita: uma carta ao Pequeno Príncipe
    As crianças escrevem ao Pequeno Príncipe sobre o seu planeta, como os finalistas do concurso.
youth 4 9 12 | Oficina de robótica com sucata
    Construa um robô com motores de brinquedos velhos.
children 4 2 15 | Horta na escola: ciência com as mãos na terra
    Biologia, matemática e nutrição numa só horta.
educators 4 | Formação de professores: aprendizagem por projetos em {city}
    Professores de {city} partilham planos, rubricas e erros de um ano de projetos.
[G]
everyone 4 17 | Quiz dos Objetivos de Desenvolvimento Sustentável
    Dezassete objetivos, trinta e quatro perguntas, equipas de todos os fusos horários.
children 4 | Caça ao tesouro da leitura em {city}
    Pistas escondidas nos livros das bibliotecas de {city}.
everyone 4 14 | Jogo do oceano: perguntas e respostas com biólogos marinhos
    Que peixe muda de cor? Jogue contra os cientistas.
[R]
children 4 | Conversa com o Pequeno Príncipe: cartas dos finalistas de {city}
    Finalistas do concurso de escrita «Conversa com o Pequeno Príncipe» leem as cartas que
    escreveram ao Pequeno Príncipe.
children 4 10 | Contos e lendas de {city} lidos pelas crianças
    As crianças de {city} contam as histórias das suas famílias.
youth 4 13 | Poesia jovem: versos sobre o planeta
    Jovens poetas leem poemas sobre a terra, a água e o futuro.
"""

ARABIC = """
[L]
educators 4 9 | الذكاء الاصطناعي في الفصل الدراسي
    In Arabic: what AI tools really change in the classroom, and what stays the teacher's job.
everyone 4 13 | التعليم من أجل المناخ
    In Arabic: teachers show how to teach the climate to every age without spreading fear.
[D]
youth 4 | مناظرة: هل يجب إلغاء الواجبات المنزلية؟
    In Arabic: "Should homework be abolished?" Two student teams argue; the audience votes.
youth 4 3 | مناظرة: الهاتف المحمول في المدرسة، منع أم تعليم؟
    In Arabic: "Phones in school: ban or teach?" A debate between students and teachers.
youth 4 8 | هل ما زالت الجامعة تستحق العناء؟
    In Arabic: "Is university still worth it?" Apprentices and graduates compare their paths.
adults 4 10 | بأي لغة يتعلم الأطفال القراءة؟
    In Arabic: "In which language should children learn to read?" Linguists and teachers debate.
[W]
children 4 | ورشة كتابة: رسالة إلى الأمير الصغير
    In Arabic: children write to the Little Prince about their own planet.
youth 4 9 | ورشة برمجة للمبتدئين
    In Arabic: a coding workshop for beginners; build a first game in an hour.
youth 4 9 12 | ورشة الروبوتات من مواد معاد تدويرها
    In Arabic: build a moving robot from recycled parts.
educators 4 | ورشة للمعلمين: التعلم القائم على المشاريع
    In Arabic: a toolkit for project-based learning, shared by teachers.
[R]
children 4 | حوار مع الأمير الصغير: قراءات الفائزين في المسابقة
    In Arabic: winners of the "Conversation with the Little Prince" writing competition read
    their letters.
children 4 10 | حكايات الجدات
    In Arabic: grandmothers read the tales they were told as children.
youth 4 | أمسية شعرية للشباب
    In Arabic: young poets read poems about learning and the planet.
[Q]
youth 4 | أسئلة وأجوبة مع لجنة الشباب: مدرسة المستقبل
    In Arabic and English: the youth panel answers questions about the school of the future.
children 4 9 | اسأل عالمًا
    In Arabic: "Ask a scientist": no question is too small.
youth 4 8 | الشباب وسوق العمل: أسئلة وأجوبة
    In Arabic: young workers answer questions about skills and the first job.
[P]
everyone 4 | عرض مسرحي: الأمير الصغير
    In Arabic: pupils perform their own adaptation of The Little Prince.
"""

HINDI = """
[R]
children 4 | नन्हे राजकुमार से बातचीत: विजेताओं की चिट्ठियाँ
    In Hindi: winners of the "Conversation with the Little Prince" writing competition read
    their letters.
[L]
educators 4 10 | मातृभाषा में पढ़ाई: हर बच्चे का अधिकार
    In Hindi: why children learn best in their mother tongue, with examples from Delhi schools.
[D]
youth 4 3 | बहस: क्या स्कूलों में मोबाइल फ़ोन पर रोक लगनी चाहिए?
    In Hindi: "Should phones be banned in schools?" A student debate with an audience vote.
[W]
children 4 | कहानी लेखन कार्यशाला
    In Hindi: a story-writing workshop for children.
"""

JAPANESE = """
[L]
educators 4 9 | これからの学び：AIと教室
    In Japanese: what AI changes in the classroom, and what it does not.
[W]
children 4 | 紙芝居をつくろう
    In Japanese: make picture cards and perform your own kamishibai story.
[G]
everyone 4 17 | SDGsクイズ大会
    In Japanese: a quiz tournament on the Sustainable Development Goals.
"""

CHINESE = """
[R]
children 4 | 与小王子对话：获奖作品朗读会
    In Chinese: winners of the "Conversation with the Little Prince" writing competition read
    their letters.
[L]
everyone 4 11 | 终身学习的城市
    In Chinese: how a city becomes a place of lifelong learning.
[W]
children 4 9 | 编程入门：做一个小游戏
    In Chinese: coding for beginners; make a small game in an hour.
youth 4 9 12 | 创客工作坊：用回收材料做机器人
    In Chinese: a maker workshop building robots from recycled materials.
[G]
youth 4 | 诗词接龙挑战赛
    In Chinese: a classical poetry relay; each team continues the last line.
"""

SWAHILI = """
[D]
youth 4 | Mdahalo: Je, kazi za nyumbani zifutwe?
    In Swahili: "Should homework be abolished?" Two student teams argue; the audience votes.
[Q]
youth 4 | Maswali na majibu na jopo la vijana: shule tunayoitaka
    In Swahili: the youth panel answers questions about the school they want.
[W]
educators 4 | Warsha ya walimu: kufundisha kwa miradi
    In Swahili: a teachers' workshop on project-based teaching.
children 4 | Warsha ya uandishi wa hadithi
    In Swahili: a story-writing workshop for children.
[G]
everyone 4 17 | Mchezo wa maswali kuhusu Malengo ya Maendeleo Endelevu
    In Swahili: a quiz game on the Sustainable Development Goals.
[R]
children 4 10 | Hadithi za bibi: usomaji kwa sauti
    In Swahili: grandmothers' tales, read aloud.
"""
