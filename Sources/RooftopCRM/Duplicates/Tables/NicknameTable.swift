/// Given names and the short forms people also go by, as groups of names that may stand for one
/// another (`william`, `bill`, `will`, …). Folded spellings.
///
/// Source: a subset of the public nickname list `carltonnorthern/nicknames` (`names.csv`,
/// Apache-2.0), which is drawn from genealogy sources, plus common Spanish hypocorisms
/// (Pepe, Paco, Lupe, Chuy, Beto, Lalo, Nacho). A name may sit in several groups (`pat`, `alex`).
enum NicknameTable {
    static let groups: [[String]] = [
        ["william", "bill", "will", "billy", "willy", "willie", "liam", "wil"],
        ["robert", "bob", "rob", "bobby", "robby", "robbie", "bert"], ["richard", "rick", "dick", "rich", "ricky", "richie"],
        ["james", "jim", "jimmy", "jamie", "jimmie"], ["john", "jack", "johnny", "jon"], ["jonathan", "jon", "johnny"],
        ["michael", "mike", "mikey", "mick", "mickey"], ["joseph", "joe", "joey", "jo"], ["thomas", "tom", "tommy"],
        ["charles", "charlie", "chuck", "chas", "chaz"], ["christopher", "chris", "kit", "topher"], ["christian", "chris"],
        ["daniel", "dan", "danny"], ["matthew", "matt", "matty"], ["anthony", "tony", "ant"], ["steven", "steve", "stevie"],
        ["stephen", "steve", "stevie"], ["edward", "ed", "eddie", "eddy", "ted", "ned"], ["edwin", "ed", "eddie"],
        ["benjamin", "ben", "benny", "benji"], ["nicholas", "nick", "nicky", "nico"], ["alexander", "alex", "al", "xander", "sandy"],
        ["alexandra", "alex", "sandra", "sandy", "lexi"], ["andrew", "andy", "drew"], ["kenneth", "ken", "kenny"],
        ["timothy", "tim", "timmy"], ["ronald", "ron", "ronnie"], ["donald", "don", "donnie"], ["gregory", "greg"],
        ["jeffrey", "jeff"], ["geoffrey", "geoff", "jeff"], ["samuel", "sam", "sammy"], ["samantha", "sam", "sammy"],
        ["patrick", "pat", "paddy"], ["patricia", "pat", "patty", "trish", "tricia"], ["raymond", "ray"],
        ["gerald", "jerry", "gerry"], ["jerome", "jerry"], ["lawrence", "larry"], ["laurence", "larry"],
        ["leonard", "len", "lenny", "leo"], ["frederick", "fred", "freddy", "freddie"], ["francis", "frank", "fran"],
        ["franklin", "frank"], ["henry", "hank", "harry"], ["harold", "harry", "hal"], ["albert", "al", "bert"],
        ["alfred", "al", "alf", "fred"], ["arthur", "art"], ["walter", "walt", "wally"], ["eugene", "gene"],
        ["peter", "pete"], ["phillip", "phil"], ["philip", "phil"], ["douglas", "doug"], ["terrence", "terry"],
        ["terence", "terry"], ["vincent", "vince", "vinny"], ["zachary", "zach", "zack"], ["nathaniel", "nate", "nathan"],
        ["nathan", "nate"], ["joshua", "josh"], ["jacob", "jake"], ["gabriel", "gabe"], ["isaac", "ike"],
        ["randall", "randy"], ["randolph", "randy"], ["russell", "russ"], ["theodore", "ted", "teddy", "theo"],
        ["elizabeth", "liz", "beth", "betty", "eliza", "lizzie", "libby", "betsy", "elisa", "liza"],
        ["margaret", "peggy", "maggie", "meg", "marge", "margie", "greta"], ["katherine", "kate", "kathy", "katie", "kat", "kay"],
        ["catherine", "cathy", "kate", "cat", "katie"], ["kathleen", "kathy", "kate"], ["jennifer", "jen", "jenny", "jenn"],
        ["susan", "sue", "susie", "suzy"], ["suzanne", "sue", "suzy"], ["deborah", "debbie", "deb", "debby"],
        ["debra", "debbie", "deb"], ["rebecca", "becky", "becca"], ["barbara", "barb", "barbie", "babs"],
        ["jessica", "jess", "jessie"], ["christine", "chris", "tina", "chrissy"], ["christina", "chris", "tina"],
        ["kimberly", "kim"], ["cynthia", "cindy"], ["dorothy", "dot", "dottie", "dolly"], ["pamela", "pam"],
        ["stephanie", "steph"], ["michelle", "shelly", "shelley"], ["melissa", "missy", "mel"], ["amanda", "mandy"], ["victoria", "vicky", "tori"],
        ["abigail", "abby"], ["allison", "ally", "allie"], ["alison", "ally"], ["angela", "angie"], ["caroline", "carrie"],
        ["carolyn", "carol", "carrie"], ["cassandra", "cassie", "sandy"], ["elaine", "lainie"], ["eleanor", "ellie", "nora"],
        ["frances", "fran", "frannie"], ["gloria", "glory"], ["jacqueline", "jackie"], ["judith", "judy"], ["josephine", "jo", "josie"],
        ["lillian", "lily"], ["madeline", "maddie"], ["natalie", "nat"], ["nancy", "nan"], ["virginia", "ginny", "ginger"],
        ["theresa", "terry", "tess", "tessa"], ["teresa", "terry", "tess"], ["valerie", "val"], ["veronica", "ronnie"],
        ["jose", "pepe"], ["francisco", "paco", "pancho", "frank"], ["guadalupe", "lupe"], ["jesus", "chuy"],
        ["roberto", "beto"], ["alberto", "beto"], ["eduardo", "lalo"], ["ignacio", "nacho"], ["alejandro", "alex"],
        ["alejandra", "alex"], ["enrique", "kike"], ["manuel", "manny"], ["antonio", "tony", "toño"],
    ]

    /// Folded name → indices of the groups it belongs to.
    static let groupsByName: [String: [Int]] = {
        var map: [String: [Int]] = [:]
        for (index, group) in groups.enumerated() {
            for name in group where !(map[name]?.contains(index) ?? false) { map[name, default: []].append(index) }
        }
        return map
    }()

    /// True when `a` and `b` (folded) are different names for one person under some group.
    static func areAliases(_ a: String, _ b: String) -> Bool {
        guard a != b, let x = groupsByName[a], let y = groupsByName[b] else { return false }
        return x.contains { y.contains($0) }
    }
}
