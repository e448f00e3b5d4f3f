//! The words the synthetic world is written with: niches in six languages, post templates,
//! comments (genuine questions, generic praise, spam, creator replies), sponsorship with and
//! without disclosure, names and places.
//!
//! Phrases are `|`-separated in one string per (niche, language) to keep this table readable;
//! the generator splits them once (see [`Lexicon`]).

/// Content languages, ISO 639-1.
pub const LANGS: [&str; 6] = ["en", "es", "de", "fr", "pt", "it"];
/// How often each language is a creator's main language (en-heavy, like the open web).
pub const LANG_WEIGHTS: [f64; 6] = [0.40, 0.18, 0.14, 0.12, 0.09, 0.07];

/// One niche: its taxonomy id and, per language (order of [`LANGS`]), topic phrases and
/// hashtags.
pub struct NicheWords {
    pub id: &'static str,
    pub phrases: [&'static str; 6],
    pub tags: [&'static str; 6],
}

pub const NICHES: &[NicheWords] = &[
    NicheWords {
        id: "skincare",
        phrases: [
            "my skincare routine|a gentle cleanser|niacinamide serum|SPF 50 sunscreen|a barrier repair cream|retinol at night",
            "mi rutina de cuidado facial|un limpiador suave|sérum de niacinamida|protector solar SPF 50|una crema hidratante|retinol por la noche",
            "meine Hautpflege-Routine|einen milden Reiniger|Niacinamid-Serum|Sonnenschutz LSF 50|eine reichhaltige Feuchtigkeitscreme|Retinol am Abend",
            "ma routine soin du visage|un nettoyant doux|un sérum à la niacinamide|un écran solaire SPF 50|une crème hydratante|le rétinol le soir",
            "minha rotina de skincare|um sabonete facial suave|sérum de niacinamida|protetor solar FPS 50|um hidratante leve|retinol à noite",
            "la mia skincare routine|un detergente delicato|siero alla niacinamide|crema solare SPF 50|una crema idratante|retinolo la sera",
        ],
        tags: [
            "skincare|skincareroutine|spf",
            "cuidadodelapiel|skincare|rutinafacial",
            "hautpflege|skincare|hautpflegeroutine",
            "soinvisage|skincare|routinebeaute",
            "skincare|cuidadoscomapele|pelesaudavel",
            "skincare|curadellapelle|beautyroutine",
        ],
    },
    NicheWords {
        id: "vegan_skincare",
        phrases: [
            "vegan skincare|a cruelty-free cleanser|a plant-based serum|a moisturiser without beeswax|vegan sunscreen",
            "cosmética vegana|un limpiador cruelty free|un sérum de origen vegetal|una crema sin cera de abeja|protector solar vegano",
            "vegane Hautpflege|einen tierversuchsfreien Reiniger|ein pflanzliches Serum|eine Creme ohne Bienenwachs|veganen Sonnenschutz",
            "les soins vegan|un nettoyant cruelty free|un sérum végétal|une crème sans cire d'abeille|un écran solaire vegan",
            "skincare vegano|um sabonete cruelty free|um sérum de origem vegetal|um hidratante sem cera de abelha|protetor solar vegano",
            "skincare vegana|un detergente cruelty free|un siero vegetale|una crema senza cera d'api|una protezione solare vegana",
        ],
        tags: [
            "veganskincare|crueltyfree|cleanbeauty",
            "cosmeticavegana|crueltyfree|veganbeauty",
            "veganekosmetik|naturkosmetik|tierversuchsfrei",
            "cosmetiquevegan|crueltyfree|beautevegan",
            "skincarevegano|crueltyfree|belezavegana",
            "cosmesivegana|crueltyfree|veganbeauty",
        ],
    },
    NicheWords {
        id: "coffee",
        phrases: [
            "specialty coffee|a V60 pour-over|an Ethiopian single origin|my espresso dial-in|a light roast|oat milk flat white",
            "café de especialidad|un V60|un café de origen etíope|mi espresso de la mañana|un tueste claro|un flat white con avena",
            "Specialty Coffee|einen V60 Pour-Over|einen äthiopischen Single Origin|meinen Espresso|eine helle Röstung|Flat White mit Hafermilch",
            "le café de spécialité|un V60|un café éthiopien|mon espresso du matin|une torréfaction claire|un flat white à l'avoine",
            "café especial|um V60|um café etíope|meu espresso da manhã|uma torra clara|um flat white com aveia",
            "caffè specialty|un V60|un monorigine etiope|il mio espresso|una tostatura chiara|un flat white all'avena",
        ],
        tags: [
            "specialtycoffee|coffee|pourover",
            "cafedeespecialidad|cafe|baristas",
            "kaffee|specialtycoffee|kaffeeliebe",
            "cafedespecialite|cafe|barista",
            "cafeespecial|cafe|baristabrasil",
            "caffespecialty|caffe|barista",
        ],
    },
    NicheWords {
        id: "running",
        phrases: [
            "my marathon training|a long run|tempo intervals|new running shoes|a 10K race|an easy recovery run",
            "mi entrenamiento de maratón|una tirada larga|series de ritmo|zapatillas nuevas para correr|una carrera de 10K|un rodaje suave",
            "mein Marathontraining|einen langen Lauf|Tempoläufe|neue Laufschuhe|einen 10-km-Wettkampf|einen lockeren Dauerlauf",
            "ma préparation marathon|une sortie longue|du fractionné|de nouvelles chaussures de running|un 10 km|un footing de récupération",
            "meu treino para a maratona|um longão|tiros de ritmo|tênis de corrida novos|uma prova de 10K|uma corrida leve",
            "la mia preparazione alla maratona|un lungo|le ripetute|scarpe da corsa nuove|una 10 km|una corsa di recupero",
        ],
        tags: [
            "running|marathontraining|runnersofinstagram",
            "running|correr|maraton",
            "laufen|running|marathon",
            "running|course|marathon",
            "corrida|running|maratona",
            "running|corsa|maratona",
        ],
    },
    NicheWords {
        id: "gaming",
        phrases: [
            "a new indie game|my ranked grind|a speedrun attempt|the boss fight|my streaming setup|a retro console",
            "un juego indie nuevo|mis partidas clasificatorias|un intento de speedrun|el jefe final|mi setup de streaming|una consola retro",
            "ein neues Indie-Spiel|meine Ranked-Runden|einen Speedrun-Versuch|den Endboss|mein Streaming-Setup|eine Retro-Konsole",
            "un nouveau jeu indé|mes parties classées|une tentative de speedrun|le boss final|mon setup de stream|une console rétro",
            "um jogo indie novo|minhas partidas ranqueadas|uma tentativa de speedrun|o chefe final|meu setup de stream|um console retrô",
            "un nuovo gioco indie|le mie partite classificate|un tentativo di speedrun|il boss finale|il mio setup per lo streaming|una console retrò",
        ],
        tags: [
            "gaming|indiegames|twitch",
            "gaming|videojuegos|gamer",
            "gaming|zocken|videospiele",
            "gaming|jeuxvideo|gamer",
            "gaming|jogos|gamerbr",
            "gaming|videogiochi|gamer",
        ],
    },
    NicheWords {
        id: "baking",
        phrases: [
            "sourdough bread|my starter|a cinnamon roll batch|laminated croissant dough|a lemon tart|banana bread",
            "pan de masa madre|mi masa madre|unos rollos de canela|masa de croissant|una tarta de limón|bizcocho de plátano",
            "Sauerteigbrot|meinen Sauerteigansatz|Zimtschnecken|Croissantteig|eine Zitronentarte|Bananenbrot",
            "du pain au levain|mon levain|des brioches à la cannelle|une pâte feuilletée|une tarte au citron|un banana bread",
            "pão de fermentação natural|meu levain|rolinhos de canela|massa folhada|uma torta de limão|bolo de banana",
            "pane con lievito madre|il mio lievito madre|girelle alla cannella|pasta sfoglia|una crostata al limone|un banana bread",
        ],
        tags: [
            "baking|sourdough|homebaker",
            "reposteria|masamadre|pancasero",
            "backen|sauerteig|brotbacken",
            "patisserie|levain|painmaison",
            "confeitaria|fermentacaonatural|paocaseiro",
            "pasticceria|lievitomadre|panefattoincasa",
        ],
    },
    NicheWords {
        id: "houseplants",
        phrases: [
            "my monstera|repotting a pothos|a new propagation station|fungus gnats|my calathea collection|a grow light",
            "mi monstera|trasplantar un poto|una estación de esquejes|mosquitas del sustrato|mi colección de calatheas|una lámpara de cultivo",
            "meine Monstera|das Umtopfen einer Efeutute|eine Vermehrungsstation|Trauermücken|meine Calathea-Sammlung|eine Pflanzenlampe",
            "ma monstera|le rempotage d'un pothos|une station de bouturage|des moucherons du terreau|ma collection de calatheas|une lampe horticole",
            "minha costela-de-adão|replantar uma jiboia|uma estação de propagação|mosquinhas no substrato|minha coleção de calatheas|uma luz de cultivo",
            "la mia monstera|il rinvaso di un pothos|una stazione di propagazione|i moscerini del terriccio|la mia collezione di calathea|una lampada per piante",
        ],
        tags: [
            "houseplants|plantsofinstagram|monstera",
            "plantasdeinterior|plantas|monstera",
            "zimmerpflanzen|urbanjungle|pflanzenliebe",
            "plantesdinterieur|urbanjungle|plantes",
            "plantasdentrodecasa|plantas|urbanjungle",
            "piantedaappartamento|piante|urbanjungle",
        ],
    },
    NicheWords {
        id: "cycling",
        phrases: [
            "a gravel ride|my road bike|a mountain climb|new clipless pedals|a century ride|bike maintenance",
            "una ruta en gravel|mi bici de carretera|un puerto de montaña|pedales automáticos nuevos|una salida de 160 km|el mantenimiento de la bici",
            "eine Gravel-Tour|mein Rennrad|einen Alpenpass|neue Klickpedale|eine Radmarathon-Runde|die Fahrradwartung",
            "une sortie gravel|mon vélo de route|un col de montagne|des pédales automatiques|une sortie de 160 km|l'entretien du vélo",
            "um pedal de gravel|minha bike de estrada|uma subida de serra|pedais clip novos|um pedal de 160 km|a manutenção da bike",
            "un giro in gravel|la mia bici da corsa|una salita in montagna|pedali a sgancio nuovi|un giro di 160 km|la manutenzione della bici",
        ],
        tags: [
            "cycling|gravel|roadbike",
            "ciclismo|gravel|bicicleta",
            "radfahren|rennrad|gravel",
            "cyclisme|velo|gravel",
            "ciclismo|pedal|bike",
            "ciclismo|bici|gravel",
        ],
    },
    NicheWords {
        id: "photography",
        phrases: [
            "film photography|my 35mm prime|golden hour portraits|a street photo walk|Lightroom presets|a medium format camera",
            "fotografía analógica|mi objetivo de 35 mm|retratos en la hora dorada|un paseo de fotografía callejera|ajustes de Lightroom|una cámara de formato medio",
            "analoge Fotografie|meine 35-mm-Festbrennweite|Porträts zur goldenen Stunde|einen Streetfoto-Spaziergang|Lightroom-Presets|eine Mittelformatkamera",
            "la photo argentique|mon objectif 35 mm|des portraits à l'heure dorée|une balade photo de rue|des presets Lightroom|un appareil moyen format",
            "fotografia analógica|minha lente 35 mm|retratos na hora dourada|uma caminhada de fotografia de rua|presets do Lightroom|uma câmera médio formato",
            "fotografia analogica|il mio 35 mm fisso|ritratti all'ora d'oro|una passeggiata di street photography|preset di Lightroom|una fotocamera medio formato",
        ],
        tags: [
            "photography|filmphotography|streetphotography",
            "fotografia|fotografiaanalogica|streetphotography",
            "fotografie|analogfotografie|streetphotography",
            "photographie|argentique|photoderue",
            "fotografia|fotografiaanalogica|fotoderua",
            "fotografia|fotografiaanalogica|streetphotography",
        ],
    },
    NicheWords {
        id: "travel",
        phrases: [
            "a weekend in Lisbon|slow travel|a night train|my carry-on packing list|hidden beaches|a budget itinerary",
            "un fin de semana en Lisboa|viajar despacio|un tren nocturno|mi lista de equipaje de mano|playas escondidas|una ruta low cost",
            "ein Wochenende in Lissabon|langsames Reisen|einen Nachtzug|meine Handgepäck-Packliste|versteckte Strände|eine günstige Reiseroute",
            "un week-end à Lisbonne|le voyage lent|un train de nuit|ma liste de bagage cabine|des plages cachées|un itinéraire petit budget",
            "um fim de semana em Lisboa|viagem sem pressa|um trem noturno|minha lista de bagagem de mão|praias escondidas|um roteiro econômico",
            "un weekend a Lisbona|il viaggio lento|un treno notturno|la mia lista per il bagaglio a mano|spiagge nascoste|un itinerario low cost",
        ],
        tags: [
            "travel|slowtravel|wanderlust",
            "viajes|viajar|mochileros",
            "reisen|reiseblogger|fernweh",
            "voyage|voyager|blogvoyage",
            "viagem|viajar|mochilao",
            "viaggi|viaggiare|travelblogger",
        ],
    },
    NicheWords {
        id: "vegan_food",
        phrases: [
            "vegan meal prep|a chickpea curry|tofu scramble|plant-based protein|a lentil bolognese|dairy-free cheese",
            "comida vegana para la semana|un curry de garbanzos|revuelto de tofu|proteína vegetal|una boloñesa de lentejas|queso sin lácteos",
            "veganes Meal Prep|ein Kichererbsen-Curry|Tofu-Rührei|pflanzliches Protein|eine Linsen-Bolognese|veganen Käse",
            "du batch cooking vegan|un curry de pois chiches|un tofu brouillé|des protéines végétales|une bolognaise aux lentilles|un fromage végétal",
            "marmitas veganas|um curry de grão-de-bico|tofu mexido|proteína vegetal|uma bolonhesa de lentilha|queijo vegetal",
            "meal prep vegano|un curry di ceci|tofu strapazzato|proteine vegetali|un ragù di lenticchie|formaggio vegetale",
        ],
        tags: [
            "vegan|veganfood|plantbased",
            "vegano|recetasveganas|plantbased",
            "vegan|veganerezepte|pflanzlich",
            "vegan|cuisinevegan|recettevegan",
            "vegano|receitasveganas|plantbased",
            "vegano|ricettevegane|plantbased",
        ],
    },
    NicheWords {
        id: "fitness",
        phrases: [
            "a full body workout|my home gym|progressive overload|a kettlebell circuit|mobility drills|my protein breakfast",
            "un entrenamiento de cuerpo completo|mi gimnasio en casa|sobrecarga progresiva|un circuito con kettlebell|ejercicios de movilidad|mi desayuno proteico",
            "ein Ganzkörpertraining|mein Home-Gym|progressive Überlastung|ein Kettlebell-Zirkel|Mobility-Übungen|mein Protein-Frühstück",
            "un entraînement full body|ma salle de sport à la maison|la surcharge progressive|un circuit kettlebell|des exercices de mobilité|mon petit-déjeuner protéiné",
            "um treino de corpo inteiro|minha academia em casa|sobrecarga progressiva|um circuito com kettlebell|exercícios de mobilidade|meu café da manhã proteico",
            "un allenamento total body|la mia palestra in casa|il sovraccarico progressivo|un circuito con kettlebell|esercizi di mobilità|la mia colazione proteica",
        ],
        tags: [
            "fitness|workout|homegym",
            "fitness|entrenamiento|gym",
            "fitness|training|workout",
            "fitness|musculation|entrainement",
            "fitness|treino|academia",
            "fitness|allenamento|palestra",
        ],
    },
];

/// Post templates per language; `{a}` and `{b}` are niche phrases.
pub const TEMPLATES: [&str; 6] = [
    "This week I finally tried {a} and honestly it changed how I think about {b}.|Quick update on {a}: three weeks in and I am still learning a lot about {b}.|Everyone keeps asking me about {a}, so here is my honest take, plus a few notes on {b}.|Sunday reset: {a} in the morning, {b} in the afternoon, and no phone after eight.|I made every mistake possible with {a} so you don't have to. The biggest lesson was about {b}.|Small wins today. {a} worked out better than expected and {b} is next on my list.",
    "Esta semana por fin probé {a} y sinceramente ha cambiado mi forma de ver {b}.|Actualización rápida sobre {a}: tres semanas después sigo aprendiendo mucho sobre {b}.|Me preguntáis mucho por {a}, así que aquí va mi opinión sincera y unas notas sobre {b}.|Domingo tranquilo: {a} por la mañana, {b} por la tarde y nada de móvil por la noche.|Cometí todos los errores posibles con {a} para que vosotros no tengáis que hacerlo. Lo más importante fue {b}.",
    "Diese Woche habe ich endlich {a} ausprobiert und ehrlich gesagt sehe ich {b} jetzt ganz anders.|Kurzes Update zu {a}: nach drei Wochen lerne ich immer noch viel über {b}.|Ihr fragt ständig nach {a}, deshalb hier meine ehrliche Meinung und ein paar Notizen zu {b}.|Sonntag: morgens {a}, nachmittags {b} und abends kein Handy.|Ich habe bei {a} jeden möglichen Fehler gemacht, damit ihr es nicht müsst. Die wichtigste Lektion betraf {b}.",
    "Cette semaine j'ai enfin testé {a} et honnêtement ça a changé ma vision de {b}.|Petit point sur {a} : trois semaines plus tard, j'apprends encore beaucoup sur {b}.|Vous me posez souvent des questions sur {a}, alors voici mon avis honnête et quelques notes sur {b}.|Dimanche tranquille : {a} le matin, {b} l'après-midi et pas de téléphone le soir.|J'ai fait toutes les erreurs possibles avec {a} pour que vous n'ayez pas à les faire. La leçon principale concernait {b}.",
    "Essa semana finalmente testei {a} e sinceramente mudou minha visão sobre {b}.|Atualização rápida sobre {a}: três semanas depois ainda estou aprendendo muito sobre {b}.|Vocês sempre perguntam sobre {a}, então aqui vai minha opinião sincera e algumas notas sobre {b}.|Domingo tranquilo: {a} de manhã, {b} à tarde e nada de celular à noite.|Cometi todos os erros possíveis com {a} para vocês não precisarem. A maior lição foi sobre {b}.",
    "Questa settimana ho finalmente provato {a} e onestamente ha cambiato il mio modo di vedere {b}.|Aggiornamento veloce su {a}: dopo tre settimane sto ancora imparando molto su {b}.|Mi chiedete spesso di {a}, quindi ecco la mia opinione sincera e qualche nota su {b}.|Domenica tranquilla: {a} la mattina, {b} il pomeriggio e niente telefono la sera.|Ho fatto ogni errore possibile con {a} così voi non dovete farlo. La lezione più importante riguardava {b}.",
];

/// Genuine audience questions per language; `{a}` is a niche phrase.
pub const QUESTIONS: [&str; 6] = [
    "Where did you get {a}? I have been looking for something like it for months.|Does {a} work for beginners too, or should I wait?|How long did it take before you noticed a difference with {a}?|Would you recommend {a} on a tight budget?|What would you change about {a} if you started again?",
    "¿Dónde conseguiste {a}? Llevo meses buscando algo así.|¿{a} sirve también para principiantes?|¿Cuánto tardaste en notar la diferencia con {a}?|¿Recomendarías {a} con poco presupuesto?",
    "Wo hast du {a} her? Ich suche schon seit Monaten so etwas.|Funktioniert {a} auch für Anfänger?|Wie lange hat es gedauert, bis du bei {a} einen Unterschied gemerkt hast?|Würdest du {a} auch mit kleinem Budget empfehlen?",
    "Où as-tu trouvé {a} ? Je cherche quelque chose comme ça depuis des mois.|Est-ce que {a} convient aussi aux débutants ?|Combien de temps avant de voir une différence avec {a} ?|Tu recommanderais {a} avec un petit budget ?",
    "Onde você comprou {a}? Estou procurando algo assim há meses.|{a} funciona para iniciantes também?|Quanto tempo levou para notar diferença com {a}?|Você recomendaria {a} para quem tem pouco orçamento?",
    "Dove hai preso {a}? Cerco qualcosa del genere da mesi.|{a} va bene anche per chi inizia?|Quanto tempo ci è voluto per notare una differenza con {a}?|Consiglieresti {a} anche con un budget ridotto?",
];

/// Generic praise per language (short, says nothing about the post).
pub const PRAISE: [&str; 6] = [
    "Love this!|So good 😍|Amazing content as always!!|Great post 🔥|Wow 👏👏",
    "¡Me encanta!|Qué bonito 😍|¡Increíble como siempre!|Top 🔥",
    "Mega!|Wie schön 😍|Toller Beitrag!|Super 🔥",
    "J'adore !|Trop beau 😍|Génial comme toujours !|Top 🔥",
    "Amei!|Que lindo 😍|Incrível como sempre!|Top demais 🔥",
    "Bellissimo!|Che meraviglia 😍|Fantastico come sempre!|Top 🔥",
];

/// Spam and bot comments (mostly English, as on the real web).
pub const SPAM: &str = "Check my profile for free followers 🔥🔥|DM us to collab 💰 brand ambassador wanted|Earn $500 a day from home, link in bio!!|Nice pic! Follow back? 🙏|Promote your page with us, 10k followers in 24h|😍😍😍🔥🔥🔥";

/// Creator replies per language.
pub const REPLIES: [&str; 6] = [
    "Thank you! I'll share more details next week.|Great question, I got it from a small local shop.|Yes, it works fine for beginners, just start slowly.",
    "¡Gracias! La semana que viene comparto más detalles.|Buena pregunta, lo compré en una tienda pequeña de mi barrio.|Sí, sirve para principiantes, empieza poco a poco.",
    "Danke! Nächste Woche gibt es mehr Details.|Gute Frage, das habe ich in einem kleinen Laden gekauft.|Ja, das geht auch für Anfänger, einfach langsam anfangen.",
    "Merci ! Je partage plus de détails la semaine prochaine.|Bonne question, je l'ai trouvé dans une petite boutique.|Oui, ça marche pour les débutants, commence doucement.",
    "Obrigada! Semana que vem trago mais detalhes.|Boa pergunta, comprei numa lojinha do meu bairro.|Sim, funciona para iniciantes, comece devagar.",
    "Grazie! La prossima settimana condivido più dettagli.|Bella domanda, l'ho preso in un piccolo negozio.|Sì, va bene per chi inizia, parti piano.",
];

/// Clear sponsorship disclosures per language; `{brand}` is the sponsor.
pub const DISCLOSED: [&str; 6] = [
    "#ad Paid partnership with @{brand}.",
    "#publi Colaboración pagada con @{brand}.",
    "Anzeige | In Zusammenarbeit mit @{brand}.",
    "#partenariat Collaboration commerciale avec @{brand}.",
    "#publicidade Parceria paga com @{brand}.",
    "ADV | Pubblicità in collaborazione con @{brand}.",
];

/// Commercial posts with no disclosure at all; `{brand}` and `{code}`.
pub const UNDISCLOSED: [&str; 6] = [
    "Use my code {code} for 15% off at @{brand} 💸",
    "Con mi código {code} tenéis un 15 % de descuento en @{brand} 💸",
    "Mit meinem Code {code} spart ihr 15 % bei @{brand} 💸",
    "Avec mon code {code} vous avez -15 % chez @{brand} 💸",
    "Com meu cupom {code} vocês ganham 15% de desconto na @{brand} 💸",
    "Con il mio codice {code} avete il 15% di sconto su @{brand} 💸",
];

pub const BRANDS: &str = "glowlab|trailpeak|kornkraft|solbrisa|cafedosul|maisonlin|velonova|plantbox|pixelforge|oatly_like|runfree|greenleaf";

/// First names per language.
pub const FIRST_NAMES: [&str; 6] = [
    "emma|liam|olivia|noah|ava|ethan|mia|lucas|chloe|jack",
    "lucia|mateo|sofia|hugo|martina|pablo|valeria|diego|carmen|alvaro",
    "lena|jonas|mia|felix|hannah|paul|lea|lukas|anna|moritz",
    "chloe|louis|camille|jules|manon|hugo|ines|arthur|lea|theo",
    "ana|joao|beatriz|pedro|mariana|rafael|julia|tiago|larissa|bruno",
    "giulia|lorenzo|chiara|matteo|francesca|luca|sara|marco|elena|davide",
];

/// Cities per language (the profile's stated location).
pub const CITIES: [&str; 6] = [
    "London|Manchester|Dublin|Toronto|Austin|Melbourne",
    "Madrid|Barcelona|Sevilla|Ciudad de México|Buenos Aires|Bogotá",
    "Berlin|Hamburg|München|Wien|Zürich|Köln",
    "Paris|Lyon|Marseille|Bruxelles|Montréal|Nantes",
    "Lisboa|Porto|São Paulo|Rio de Janeiro|Curitiba|Recife",
    "Milano|Roma|Torino|Bologna|Napoli|Firenze",
];

/// Bio templates per language; `{a}` is a niche phrase, `{city}` a city.
pub const BIOS: [&str; 6] = [
    "Sharing {a} from {city}. Honest reviews, no fluff.",
    "Comparto {a} desde {city}. Reseñas honestas.",
    "Ich teile {a} aus {city}. Ehrliche Erfahrungen.",
    "Je partage {a} depuis {city}. Avis honnêtes.",
    "Compartilho {a} de {city}. Opiniões sinceras.",
    "Condivido {a} da {city}. Recensioni sincere.",
];

/// The lexicon split into slices once, so generation never re-splits strings.
pub struct Lexicon {
    pub phrases: Vec<[Vec<&'static str>; 6]>,
    pub tags: Vec<[Vec<&'static str>; 6]>,
    pub templates: [Vec<&'static str>; 6],
    pub questions: [Vec<&'static str>; 6],
    pub praise: [Vec<&'static str>; 6],
    pub replies: [Vec<&'static str>; 6],
    pub first_names: [Vec<&'static str>; 6],
    pub cities: [Vec<&'static str>; 6],
    pub spam: Vec<&'static str>,
    pub brands: Vec<&'static str>,
}

fn split(s: &'static str) -> Vec<&'static str> {
    s.split('|').collect()
}

fn split6(a: &[&'static str; 6]) -> [Vec<&'static str>; 6] {
    std::array::from_fn(|i| split(a[i]))
}

impl Lexicon {
    pub fn new() -> Lexicon {
        Lexicon {
            phrases: NICHES.iter().map(|n| split6(&n.phrases)).collect(),
            tags: NICHES.iter().map(|n| split6(&n.tags)).collect(),
            templates: split6(&TEMPLATES),
            questions: split6(&QUESTIONS),
            praise: split6(&PRAISE),
            replies: split6(&REPLIES),
            first_names: split6(&FIRST_NAMES),
            cities: split6(&CITIES),
            spam: split(SPAM),
            brands: split(BRANDS),
        }
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

/// The shared, lazily built lexicon.
pub fn lexicon() -> &'static Lexicon {
    static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(Lexicon::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_is_filled() {
        let lex = lexicon();
        for (n, niche) in NICHES.iter().enumerate() {
            for (l, lang) in LANGS.iter().enumerate() {
                assert!(lex.phrases[n][l].len() >= 4, "{} {lang}", niche.id);
                assert!(lex.tags[n][l].len() >= 2, "{} {lang}", niche.id);
                assert!(lex.phrases[n][l].iter().all(|p| !p.trim().is_empty()));
            }
        }
        for (l, templates) in lex.templates.iter().enumerate() {
            assert!(templates.iter().all(|t| t.contains("{a}")));
            assert!(lex.questions[l].iter().all(|t| t.contains("{a}")));
            assert!(DISCLOSED[l].contains("{brand}"));
            assert!(UNDISCLOSED[l].contains("{code}"));
        }
        let ids: std::collections::HashSet<_> = NICHES.iter().map(|n| n.id).collect();
        assert_eq!(ids.len(), NICHES.len(), "niche ids are unique");
    }
}
