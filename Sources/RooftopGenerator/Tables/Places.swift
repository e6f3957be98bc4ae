/// US metropolitan areas: a real area code (North American Numbering Plan, NANPA's assignments), its
/// principal city, state and a USPS three-digit ZIP prefix of that city, weighted roughly by the
/// metro population (U.S. Census Bureau 2020 counts, in hundred thousands). A dealership group
/// draws most of its customers from a few of these (``DealershipGenerator``).
enum Places {
    /// (area code, city, state, ZIP prefix, weight).
    static let metros: [(String, String, String, String, Int)] = [
        ("212", "New York", "NY", "100", 199), ("718", "Brooklyn", "NY", "112", 100), ("213", "Los Angeles", "CA", "900", 130),
        ("312", "Chicago", "IL", "606", 95), ("713", "Houston", "TX", "770", 71), ("214", "Dallas", "TX", "752", 76),
        ("215", "Philadelphia", "PA", "191", 62), ("202", "Washington", "DC", "200", 63), ("305", "Miami", "FL", "331", 61),
        ("404", "Atlanta", "GA", "303", 61), ("617", "Boston", "MA", "021", 49), ("602", "Phoenix", "AZ", "850", 49),
        ("415", "San Francisco", "CA", "941", 47), ("951", "Riverside", "CA", "925", 46), ("313", "Detroit", "MI", "482", 44),
        ("206", "Seattle", "WA", "981", 40), ("612", "Minneapolis", "MN", "554", 37), ("619", "San Diego", "CA", "921", 33),
        ("813", "Tampa", "FL", "336", 32), ("303", "Denver", "CO", "802", 30), ("314", "St. Louis", "MO", "631", 28),
        ("410", "Baltimore", "MD", "212", 28), ("704", "Charlotte", "NC", "282", 27), ("407", "Orlando", "FL", "328", 27),
        ("210", "San Antonio", "TX", "782", 26), ("503", "Portland", "OR", "972", 25), ("916", "Sacramento", "CA", "958", 24),
        ("412", "Pittsburgh", "PA", "152", 24), ("512", "Austin", "TX", "787", 23), ("702", "Las Vegas", "NV", "891", 23),
        ("513", "Cincinnati", "OH", "452", 22), ("816", "Kansas City", "MO", "641", 22), ("614", "Columbus", "OH", "432", 21),
        ("317", "Indianapolis", "IN", "462", 21), ("216", "Cleveland", "OH", "441", 21), ("408", "San Jose", "CA", "951", 20),
        ("615", "Nashville", "TN", "372", 20), ("757", "Virginia Beach", "VA", "234", 18), ("401", "Providence", "RI", "029", 17),
        ("904", "Jacksonville", "FL", "322", 16), ("414", "Milwaukee", "WI", "532", 16), ("919", "Raleigh", "NC", "276", 14),
        ("405", "Oklahoma City", "OK", "731", 14), ("901", "Memphis", "TN", "381", 13), ("804", "Richmond", "VA", "232", 13),
        ("502", "Louisville", "KY", "402", 13), ("504", "New Orleans", "LA", "701", 13), ("801", "Salt Lake City", "UT", "841", 13),
        ("860", "Hartford", "CT", "061", 12), ("716", "Buffalo", "NY", "142", 12), ("205", "Birmingham", "AL", "352", 11),
        ("505", "Albuquerque", "NM", "871", 9), ("520", "Tucson", "AZ", "857", 10), ("918", "Tulsa", "OK", "741", 10),
        ("559", "Fresno", "CA", "937", 10), ("402", "Omaha", "NE", "681", 10), ("915", "El Paso", "TX", "799", 9),
    ]

    /// Street names among the most frequent in the US (National League of Cities' and Census TIGER
    /// counts of "Second", "Park", "Main", tree and president names).
    static let streets = ["Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Second", "Third",
                          "First", "Fourth", "Walnut", "Sunset", "Lincoln", "Jackson", "Church", "River", "Highland", "Willow",
                          "Franklin", "Jefferson", "Madison", "Meadow", "Forest", "Ridge", "Valley", "Spring", "Center", "Mill",
                          "Chestnut", "Adams", "Hickory", "Dogwood", "Magnolia", "Sycamore", "Laurel", "Birch"]

    /// Street suffixes as USPS Publication 28, appendix C1, abbreviates them, with the spelled-out
    /// form typists also use.
    static let suffixes: [(abbreviation: String, full: String)] = [
        ("St", "Street"), ("Ave", "Avenue"), ("Rd", "Road"), ("Dr", "Drive"), ("Ln", "Lane"), ("Blvd", "Boulevard"),
        ("Ct", "Court"), ("Way", "Way"), ("Pl", "Place"), ("Cir", "Circle"), ("Pkwy", "Parkway"), ("Ter", "Terrace"),
    ]

    /// Free e-mail providers and their rough share of consumer addresses.
    static let emailDomains: [(String, Int)] = [
        ("gmail.com", 45), ("yahoo.com", 15), ("hotmail.com", 8), ("outlook.com", 7), ("aol.com", 5), ("icloud.com", 8),
        ("comcast.net", 4), ("att.net", 3), ("msn.com", 2), ("verizon.net", 2), ("live.com", 1),
    ]

    /// Words of business names (fleet and commercial customers).
    static let businessWords = ["Acme", "Summit", "Pioneer", "Keystone", "Riverside", "Liberty", "Eagle", "Frontier", "Heritage",
                                "Premier", "Golden State", "Lone Star", "Great Lakes", "Coastal", "Metro", "Valley", "Northstar"]
    static let businessKinds = ["Plumbing", "Landscaping", "Electric", "Construction", "Logistics", "Courier", "Roofing", "Catering",
                                "Flooring", "HVAC", "Moving", "Rentals", "Pest Control", "Cleaning", "Auto Glass", "Florist"]
    static let businessForms = ["LLC", "Inc.", "Co.", "Corp.", "& Sons", "Group", ""]
}
