/// Common given names that are almost only given to one sex, folded. Two such names of opposite
/// sex one typing slip apart (Mark / Mary, Daniel / Daniela, Eric / Erica, Paul / Paula) are read
/// as different names, not a typo — at a dealership they are usually a couple or a parent and child at
/// one address (`sync-protocol/duplicate-detection.md#comparisons`); and a shared e-mail and phone
/// never make such a pair confident (`#thresholds`). An equal birth date still can: twins of opposite
/// sex at one address are the known false merge left.
///
/// Source: Social Security Administration, "Popular Baby Names" (national data, births 1940–2000:
/// the most frequent names of each sex, and the feminine and masculine forms of common Spanish,
/// Italian and Slavic names in the same data); names given to both sexes in numbers (Jordan, Taylor,
/// Jamie, Jean, Terry, Kelly, Pat, Chris, Alex, Jesse/Jessie, Andrea, Simone, Michele) are left out.
enum GivenNameSex {
    static let male: Set<String> = [
        "james", "michael", "robert", "john", "david", "william", "richard", "joseph", "thomas", "christopher", "charles",
        "daniel", "matthew", "anthony", "mark", "donald", "steven", "stephen", "andrew", "paul", "joshua", "kenneth", "kevin",
        "brian", "timothy", "ronald", "george", "jason", "edward", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric",
        "jonathan", "larry", "justin", "scott", "brandon", "benjamin", "samuel", "frank", "gregory", "raymond", "alexander",
        "patrick", "jack", "dennis", "jerry", "tyler", "aaron", "henry", "adam", "douglas", "nathan", "peter", "zachary",
        "walter", "kyle", "harold", "carl", "jeremy", "keith", "roger", "gerald", "ethan", "arthur", "christian",
        "sean", "lawrence", "austin", "joe", "noah", "albert", "dylan", "bryan", "billy", "bruce", "ralph", "roy", "alan", "wayne", "eugene", "juan", "gabriel", "louis", "russell", "randy", "vincent", "philip",
        "bobby", "johnny", "bradley", "jose", "luis", "carlos", "jorge", "jesus", "miguel", "francisco", "antonio", "alejandro",
        "manuel", "pedro", "ricardo", "raul", "eduardo", "roberto", "fernando", "javier", "ignacio", "andres", "mario",
        "julian", "julio", "sergio", "marco", "marcos", "victor", "adrian", "emilio", "angelo", "paulo", "pablo", "diego",
        "fabian", "giovanni", "stefan", "ivan", "martin", "kristopher", "erik", "mateo", "marcus", "dominic",
        "simon", "leon", "leo", "oscar", "hector", "ruben", "rafael", "armando", "alberto", "ernesto", "gilberto", "ramon",
    ]
    static let female: Set<String> = [
        "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen", "lisa", "nancy",
        "betty", "margaret", "sandra", "ashley", "kimberly", "emily", "donna", "michelle", "carol", "amanda", "dorothy",
        "melissa", "deborah", "stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "angela", "shirley",
        "anna", "brenda", "pamela", "nicole", "helen", "samantha", "katherine", "christine", "debra", "rachel", "catherine",
        "heather", "zoe", "renee", "chloe", "carolyn", "janet", "ruth", "maria", "virginia", "diane", "julie", "joyce",
        "victoria", "christina", "lauren", "joan", "evelyn", "olivia", "judith", "megan", "cheryl", "martha",
        "hannah", "jacqueline", "ann", "gloria", "teresa", "kathryn", "sara", "janice", "julia", "marie",
        "madison", "grace", "judy", "theresa", "beverly", "denise", "marilyn", "amber", "danielle", "rose", "brittany",
        "diana", "abigail", "natalie", "jane", "lori", "tiffany", "kayla", "ana", "rosa", "carmen", "juana",
        "guadalupe", "margarita", "sofia", "lucia", "gabriela", "daniela", "paula", "erica", "erika", "briana", "brianna",
        "josefa", "francisca", "antonia", "roberta", "juliana", "mariana", "marcela", "carla", "adriana", "emilia", "patrizia", "giovanna", "stefania", "ivana", "martina", "fabiola", "leona", "nichole", "marissa", "melanie", "monica", "veronica", "yolanda", "alicia", "elena",
    ]

    /// True when both are names of one sex only, and the sexes differ.
    static func opposite(_ a: String, _ b: String) -> Bool {
        (male.contains(a) && female.contains(b)) || (female.contains(a) && male.contains(b))
    }
}
