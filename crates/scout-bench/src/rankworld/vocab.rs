//! The words of the ranking world: twelve niches (six in `data/taxonomy.toml`, six outside
//! it), what their creators write in English and Spanish, what their audiences ask, and the
//! filler that is not about any niche (lifestyle posts, thank-you replies, bot comments).

/// One niche of the ranking world.
pub struct Niche {
    pub id: &'static str,
    /// The words a marketer types for it.
    pub query: &'static str,
    /// The taxonomy niche it belongs to, if any (`None`: scout's taxonomy does not know it).
    pub taxonomy: Option<&'static str>,
    /// What the niche is called in a post ("sourdough", "bouldering"...), per language.
    pub name_en: &'static [&'static str],
    pub name_es: &'static [&'static str],
    /// Topic phrases a focused creator writes, without the niche's name.
    pub en: &'static [&'static str],
    pub es: &'static [&'static str],
    pub hashtags: &'static [&'static str],
    /// Questions a beginner in the audience asks.
    pub beginner: &'static [&'static str],
    /// What an experienced audience says.
    pub expert: &'static [&'static str],
}

pub const NICHES: &[Niche] = &[
    Niche {
        id: "skincare",
        query: "skincare",
        taxonomy: Some("skincare"),
        name_en: &["skincare", "skin care"],
        name_es: &["cuidado de la piel", "skincare"],
        en: &[
            "my morning routine with a gentle cleanser and a light moisturiser",
            "why I reapply sunscreen at lunch even in winter",
            "niacinamide serum after four weeks: fewer breakouts, calmer redness",
            "how I repaired my skin barrier with ceramides",
            "retinol for beginners, start twice a week",
        ],
        es: &[
            "mi rutina facial de mañana con limpiador suave y crema hidratante",
            "por qué uso protector solar todos los días",
            "sérum de niacinamida: menos rojeces y poros más finos",
        ],
        hashtags: &["skincare", "skincareroutine"],
        beginner: &[
            "Which cleanser for sensitive skin?",
            "I'm new to this, is retinol safe for beginners?",
            "Where do I start with a simple routine?",
        ],
        expert: &[
            "Azelaic acid at 10% worked better for my rosacea than niacinamide",
            "Buffering tretinoin with squalane cut my purging in half",
        ],
    },
    Niche {
        id: "coffee",
        query: "specialty coffee",
        taxonomy: Some("coffee"),
        name_en: &["specialty coffee", "coffee"],
        name_es: &["café de especialidad", "café"],
        en: &[
            "dialing in a washed Ethiopian on the V60, 15 g to 250 g",
            "my espresso recipe: 18 g in, 36 g out in 28 seconds",
            "grind size matters more than the kettle",
            "a natural process Colombian with notes of strawberry",
            "latte art practice, day 40",
        ],
        es: &[
            "receta de V60 con un etíope lavado",
            "mi receta de espresso: 18 g y 36 g en 28 segundos",
            "tueste claro y notas de frutos rojos",
        ],
        hashtags: &["specialtycoffee", "coffee"],
        beginner: &[
            "Which grinder should a beginner buy?",
            "New to pour over, what ratio do I start with?",
            "Where do I start with espresso at home?",
        ],
        expert: &[
            "Try a coarser grind and a 94 degree kettle for that washed lot",
            "Our roastery saw the same channeling with that basket",
        ],
    },
    Niche {
        id: "running",
        query: "running",
        taxonomy: Some("running"),
        name_en: &["running", "run"],
        name_es: &["correr", "running"],
        en: &[
            "easy 10 km at conversational pace before the long week",
            "interval session: 6 x 800 m with 90 s rest",
            "my marathon training block, week 9",
            "new trail shoes after 500 km",
            "tempo run along the river this morning",
        ],
        es: &[
            "rodaje suave de 10 km antes del maratón",
            "series de 6 x 800 m con 90 segundos de descanso",
            "zapatillas nuevas después de 500 km",
        ],
        hashtags: &["running", "marathontraining"],
        beginner: &[
            "I'm a beginner, how many km per week should I start with?",
            "Which shoes for a first half marathon?",
            "New to running, how do I avoid shin splints?",
        ],
        expert: &[
            "Threshold at 88% max HR worked for my sub 3 block",
            "Negative splits on the long run changed my racing",
        ],
    },
    Niche {
        id: "houseplants",
        query: "houseplants",
        taxonomy: Some("houseplants"),
        name_en: &["houseplants", "houseplant"],
        name_es: &["plantas de interior", "plantas"],
        en: &[
            "repotting my monstera into a chunky aroid mix",
            "calathea leaves curling: humidity is the usual suspect",
            "propagating pothos cuttings in water",
            "bottom watering my snake plant once a month",
            "a new fiddle leaf fig by the south window",
        ],
        es: &[
            "trasplante de mi monstera con sustrato aireado",
            "esquejes de pothos en agua",
            "riego por abajo para la sansevieria",
        ],
        hashtags: &["houseplants", "plantsofinstagram"],
        beginner: &[
            "Which plant is easy for a beginner in a dark flat?",
            "New plant parent here, how often do I water a monstera?",
            "Where do I start with propagation?",
        ],
        expert: &[
            "Pumice instead of perlite fixed my root rot for good",
            "My variegated monstera reverted after a cut below the node",
        ],
    },
    Niche {
        id: "yoga",
        query: "yoga",
        taxonomy: Some("yoga"),
        name_en: &["yoga"],
        name_es: &["yoga"],
        en: &[
            "a 20 minute vinyasa flow for stiff hips",
            "breathwork before meditation, box breathing",
            "how I practise crow pose safely",
            "sun salutations at dawn",
            "restorative session with blocks and a bolster",
        ],
        es: &[
            "secuencia de vinyasa de 20 minutos para caderas",
            "respiración antes de meditar",
            "saludos al sol al amanecer",
        ],
        hashtags: &["yoga", "yogapractice"],
        beginner: &[
            "I'm a total beginner, which mat should I buy?",
            "New to this, can I start if I'm not flexible?",
            "Where do I start, is there a beginner flow?",
        ],
        expert: &[
            "Ashtanga primary series taught me the same bandha cue",
            "After 200 hours of teacher training I still love this transition",
        ],
    },
    Niche {
        id: "keyboards",
        query: "mechanical keyboards",
        taxonomy: Some("keyboards"),
        name_en: &["mechanical keyboard", "mechanical keyboards"],
        name_es: &["teclado mecánico", "teclados mecánicos"],
        en: &[
            "lubing linear switches with 205g0",
            "a 65 percent board with gasket mount and PBT keycaps",
            "tape mod on the PCB for a deeper sound",
            "hot swap sockets make switch testing easy",
            "sound test: tactile switches on an aluminium case",
        ],
        es: &[
            "lubricando interruptores lineales",
            "teclado 65 por ciento con keycaps PBT",
            "prueba de sonido con interruptores táctiles",
        ],
        hashtags: &["mechanicalkeyboard", "keyboards"],
        beginner: &[
            "Which switches should a beginner try first?",
            "New to this, is hot swap worth it for a first board?",
            "Where do I start with a first build?",
        ],
        expert: &[
            "Krytox 205g0 on the stems only, never the legs",
            "Polycarbonate plate plus foam gave me the same thock",
        ],
    },
    Niche {
        id: "sourdough",
        query: "sourdough baking",
        taxonomy: None,
        name_en: &["sourdough"],
        name_es: &["masa madre"],
        en: &[
            "feeding my starter twice a day until it doubles",
            "open crumb after a long cold retard",
            "75 percent hydration loaf with a crispy crust",
            "stretch and folds every 30 minutes during bulk",
            "scoring patterns for a rye boule",
        ],
        es: &[
            "alimentando mi fermento dos veces al día",
            "miga abierta tras un retardo en frío",
            "hogaza con 75 por ciento de hidratación",
        ],
        hashtags: &["sourdough", "sourdoughbread"],
        beginner: &[
            "My starter smells like nail polish, is it dead?",
            "New to bread, which flour for a first loaf?",
            "Where do I start, how long should bulk take?",
        ],
        expert: &[
            "A stiff levain at 50 percent fixed my sour flavour",
            "I autolyse for an hour with the same whole wheat",
        ],
    },
    Niche {
        id: "bouldering",
        query: "bouldering",
        taxonomy: None,
        name_en: &["bouldering", "boulder"],
        name_es: &["búlder", "escalada en bloque"],
        en: &[
            "finally sent the overhang project, a V6 crimp line",
            "heel hooks and drop knees on the new set",
            "finger strength training on the hangboard",
            "chalk, brushes and new climbing shoes",
            "a slab problem that needs patience and footwork",
        ],
        es: &[
            "por fin encadené el proyecto en el desplome",
            "entrenamiento de dedos en la tabla multipresas",
            "pies de gato nuevos y magnesio",
        ],
        hashtags: &["bouldering", "climbing"],
        beginner: &[
            "Which climbing shoes for a beginner?",
            "New to climbing, how do I stop my forearms burning?",
            "Where do I start with hangboard training?",
        ],
        expert: &[
            "Max hangs on a 20 mm edge helped my crimps more than repeaters",
            "Toe hook first, then match, that is how I sent it",
        ],
    },
    Niche {
        id: "aquascaping",
        query: "aquascaping",
        taxonomy: None,
        name_en: &["aquascaping", "aquascape"],
        name_es: &["acuascaping", "acuario plantado"],
        en: &[
            "nature style tank with dragon stone and carpeting plants",
            "CO2 injection and a new light on the 60 cm tank",
            "trimming the monte carlo carpet",
            "cycling a new planted tank for six weeks",
            "shrimp love the moss on this driftwood",
        ],
        es: &[
            "acuario plantado con roca dragón y plantas tapizantes",
            "inyección de CO2 en el acuario de 60 cm",
            "gambas sobre el musgo del tronco",
        ],
        hashtags: &["aquascape", "plantedtank"],
        beginner: &[
            "Which plants are easy for a first planted tank?",
            "New to this, do I need CO2 from the start?",
            "Where do I start with a nano tank?",
        ],
        expert: &[
            "Dosing potassium fixed the same pinholes on my bucephalandra",
            "I run a dry start for the carpet before flooding",
        ],
    },
    Niche {
        id: "fountain_pens",
        query: "fountain pens",
        taxonomy: None,
        name_en: &["fountain pen", "fountain pens"],
        name_es: &["pluma estilográfica", "plumas estilográficas"],
        en: &[
            "a fine nib and a shimmering blue ink on Tomoe River paper",
            "flushing a piston filler before a new ink",
            "nib grinding: from medium to a cursive italic",
            "my everyday carry: three pens, three inks",
            "sheen and shading swatches for a green ink",
        ],
        es: &[
            "plumín fino y tinta azul sobre papel Tomoe River",
            "limpiando el émbolo antes de una tinta nueva",
            "muestras de tinta verde con brillo",
        ],
        hashtags: &["fountainpen", "fountainpens"],
        beginner: &[
            "Which pen should a beginner buy under 30 euros?",
            "New to this, will the ink bleed through normal paper?",
            "Where do I start with converters and cartridges?",
        ],
        expert: &[
            "A stub grind on that nib gives the same line variation",
            "Iron gall ink needs flushing every two weeks in my pens",
        ],
    },
    Niche {
        id: "birdwatching",
        query: "birdwatching",
        taxonomy: None,
        name_en: &["birdwatching", "birding"],
        name_es: &["observación de aves", "pajareo"],
        en: &[
            "a kingfisher on the river at dawn",
            "my binoculars and field guide for spring migration",
            "counting waders on the estuary at high tide",
            "first warbler of the year singing in the hedgerow",
            "owl pellets and a barn owl at dusk",
        ],
        es: &[
            "un martín pescador en el río al amanecer",
            "prismáticos y guía de campo para la migración",
            "limícolas en el estuario con marea alta",
        ],
        hashtags: &["birdwatching", "birding"],
        beginner: &[
            "Which binoculars for a beginner?",
            "New to this, how do you tell warblers apart?",
            "Where do I start, is there a good field guide?",
        ],
        expert: &[
            "That is a juvenile, note the buff edges on the coverts",
            "We had the same passage on the coast last week",
        ],
    },
    Niche {
        id: "beekeeping",
        query: "beekeeping",
        taxonomy: None,
        name_en: &["beekeeping", "beekeeper"],
        name_es: &["apicultura", "apicultor"],
        en: &[
            "hive inspection: a healthy queen and capped brood",
            "treating for varroa mites after the honey harvest",
            "extracting honey from the supers",
            "a swarm caught in the apple tree",
            "winter feeding with fondant",
        ],
        es: &[
            "revisión de la colmena: reina sana y cría operculada",
            "tratamiento contra varroa tras la cosecha de miel",
            "un enjambre en el manzano",
        ],
        hashtags: &["beekeeping", "honeybees"],
        beginner: &[
            "Which hive should a beginner start with?",
            "New to bees, do I need a full suit?",
            "Where do I start, is a nucleus colony better?",
        ],
        expert: &[
            "Oxalic vapour in broodless periods works best in my apiary",
            "We split ours the same week to stop the swarm",
        ],
    },
];

/// What a creator writes when not about a niche.
pub const LIFESTYLE_EN: &[&str] = &[
    "Monday mood, coffee and a long to do list",
    "brunch with friends and a walk in the park",
    "new haircut, who dis",
    "weekend trip to the coast, so much sun",
    "my favourite outfit this autumn",
    "cleaning out the wardrobe today",
    "movie night recommendations please",
    "gym selfie and a protein shake",
];

pub const LIFESTYLE_ES: &[&str] = &[
    "lunes con café y mil cosas que hacer",
    "brunch con amigas y paseo por el parque",
    "escapada de fin de semana a la costa",
    "mi look favorito de este otoño",
];

/// A creator's reply to someone in a conversation: carries no niche.
pub const REPLIES_EN: &[&str] = &[
    "Thanks! Twice a day 🙂",
    "Haha yes, exactly",
    "Thank you so much!",
    "Good question, I'll make a video about it",
    "Glad it helped!",
    "Totally agree",
    "Love this, saving it",
    "Same here!",
];

pub const REPLIES_ES: &[&str] = &[
    "¡Gracias!",
    "Jaja sí",
    "¡Me alegro de que te sirva!",
    "Totalmente de acuerdo",
];

/// What a creator writes under a peer's post: friendly praise that says nothing about it
/// (generic, as the truth labels it). Not the answers above ("Glad it helped!" answers a
/// question under one's own post; under someone else's it would make no sense).
pub const PEER_EN: &[&str] = &[
    "Love this, saving it",
    "So good!",
    "Totally agree",
    "This is gold",
    "Great post, thanks for sharing",
    "Yes! Love it",
    "Same here!",
    "Beautiful work",
];

pub const PEER_ES: &[&str] = &[
    "Totalmente de acuerdo",
    "¡Qué bueno!",
    "Me encanta, lo guardo",
    "¡Qué maravilla!",
];

/// Audience praise per language, not about the niche.
pub const PRAISE: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "This is so helpful, thank you",
            "Love your content",
            "Great post, saved it",
        ],
    ),
    (
        "es",
        &[
            "Me encanta tu contenido, gracias",
            "Qué buena publicación, la guardo",
            "Muy útil, mil gracias por compartir",
        ],
    ),
    (
        "de",
        &[
            "Danke für den tollen Beitrag, sehr hilfreich",
            "Ich liebe deine Inhalte, weiter so",
        ],
    ),
    (
        "pt",
        &[
            "Adorei o conteúdo, muito obrigado",
            "Que post incrível, salvei aqui",
        ],
    ),
];

/// Questions any audience asks, per language (genuine: they ask something).
pub const QUESTIONS: &[(&str, &[&str])] = &[
    (
        "es",
        &[
            "¿Qué me recomiendas para empezar?",
            "¿Dónde lo compraste? Quiero probarlo",
        ],
    ),
    (
        "de",
        &[
            "Was empfiehlst du für den Anfang?",
            "Wo hast du das gekauft? Ich will es ausprobieren",
        ],
    ),
    (
        "pt",
        &[
            "O que você recomenda para começar?",
            "Onde você comprou? Quero experimentar",
        ],
    ),
];

/// Copy-paste bot comments: the same few texts under every creator who bought engagement.
pub const BOT_COMMENTS: &[&str] = &[
    "Great content! 🔥 Check my profile for promo",
    "Nice post!! DM us to collab 💰",
    "Amazing 😍😍 follow back?",
];

/// A keyword-stuffed bio names many niches and does none of them.
pub fn stuffed_bio(niches: &[usize]) -> String {
    let names: Vec<&str> = niches.iter().map(|&n| NICHES[n].name_en[0]).collect();
    format!(
        "{} | lifestyle | travel | DM for collabs and promo",
        names.join(" | ")
    )
}

/// What a sustainability-minded creator adds to some posts (the `values` truth).
pub const VALUES_EN: &str = "plastic-free and zero waste, refills only";
/// What a creator sponsored by drinks brands adds (the `avoid alcohol` truth).
pub const ALCOHOL_EN: &str = "paired with a glass of red wine from our sponsor winery";
