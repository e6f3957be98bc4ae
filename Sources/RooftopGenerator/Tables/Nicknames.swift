/// Formal given names and the short forms people also go by (Bill for William), for duplicates
/// typed under a nickname. A small subset of the public nickname list of `carltonnorthern/nicknames`
/// (`names.csv`, Apache-2.0), plus common Spanish hypocorisms (Pepe, Paco, Lupe, Chuy, Beto, Lalo).
enum Nicknames {
    static let byName: [String: [String]] = [
        "William": ["Bill", "Will", "Billy", "Liam"], "Robert": ["Bob", "Rob", "Bobby", "Bert"], "Richard": ["Rick", "Dick", "Rich"],
        "James": ["Jim", "Jimmy", "Jamie"], "John": ["Jack", "Johnny"], "Michael": ["Mike", "Mikey"], "Joseph": ["Joe", "Joey"],
        "Thomas": ["Tom", "Tommy"], "Charles": ["Charlie", "Chuck"], "Christopher": ["Chris"], "Daniel": ["Dan", "Danny"],
        "Matthew": ["Matt"], "Anthony": ["Tony"], "Steven": ["Steve"], "Stephen": ["Steve"], "Edward": ["Ed", "Eddie", "Ted"],
        "Benjamin": ["Ben"], "Jonathan": ["Jon"], "Nicholas": ["Nick"], "Alexander": ["Alex"], "Andrew": ["Andy", "Drew"],
        "Kenneth": ["Ken", "Kenny"], "Timothy": ["Tim"], "Ronald": ["Ron"], "Donald": ["Don"], "Gregory": ["Greg"],
        "Jeffrey": ["Jeff"], "Samuel": ["Sam"], "Patrick": ["Pat"], "Raymond": ["Ray"], "Gerald": ["Jerry"],
        "Elizabeth": ["Liz", "Beth", "Betty", "Eliza"], "Margaret": ["Peggy", "Maggie", "Meg"], "Katherine": ["Kate", "Kathy", "Katie"],
        "Catherine": ["Cathy", "Kate"], "Kathleen": ["Kathy"], "Jennifer": ["Jen", "Jenny"], "Patricia": ["Pat", "Patty", "Trish"],
        "Susan": ["Sue", "Susie"], "Deborah": ["Debbie", "Deb"], "Debra": ["Debbie", "Deb"], "Rebecca": ["Becky"], "Barbara": ["Barb"],
        "Jessica": ["Jess"], "Samantha": ["Sam"], "Christine": ["Chris", "Tina"], "Kimberly": ["Kim"], "Cynthia": ["Cindy"],
        "Dorothy": ["Dot", "Dottie"], "Pamela": ["Pam"], "Stephanie": ["Steph"], "Melissa": ["Missy"], "Amanda": ["Mandy"],
        "José": ["Pepe"], "Francisco": ["Paco", "Pancho"], "Guadalupe": ["Lupe"], "Jesús": ["Chuy"], "Roberto": ["Beto"],
        "Alberto": ["Beto"], "Eduardo": ["Lalo"], "Ignacio": ["Nacho"], "Alejandro": ["Alex"], "Alejandra": ["Alex"],
    ]
}
