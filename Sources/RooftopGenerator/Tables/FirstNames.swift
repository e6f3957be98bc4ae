/// Given names with their frequency, by naming tradition.
///
/// Source for ``general``: Social Security Administration, "Popular Baby Names", national data
/// (`names.zip`), totals of the births 1940–2000 that dealership customers were born in, the most
/// frequent names, in thousands (rounded; transcribed approximately without the files at hand, so the
/// weights give the right order and magnitude, not exact counts). The other traditions are short lists of names common in
/// the SSA data and in community naming guides, with relative weights; Spanish names keep their
/// accents as they are usually written (a share of records drop them, see ``Variations``).
enum FirstNames {
    /// (name, weight, is female).
    static let general: [(String, Int, Bool)] = [
        ("James", 3200, false), ("Michael", 3900, false), ("Robert", 3100, false), ("John", 2900, false), ("David", 2900, false),
        ("William", 2300, false), ("Richard", 1900, false), ("Joseph", 1700, false), ("Thomas", 1600, false), ("Christopher", 1700, false),
        ("Charles", 1300, false), ("Daniel", 1500, false), ("Matthew", 1300, false), ("Anthony", 1100, false), ("Mark", 1200, false),
        ("Donald", 900, false), ("Steven", 1100, false), ("Andrew", 900, false), ("Paul", 900, false), ("Joshua", 1000, false),
        ("Kenneth", 900, false), ("Kevin", 1000, false), ("Brian", 1000, false), ("Timothy", 900, false), ("Ronald", 800, false),
        ("George", 700, false), ("Jason", 900, false), ("Edward", 600, false), ("Jeffrey", 900, false), ("Ryan", 700, false),
        ("Jacob", 500, false), ("Gary", 700, false), ("Nicholas", 600, false), ("Eric", 700, false), ("Jonathan", 600, false),
        ("Stephen", 600, false), ("Larry", 600, false), ("Justin", 600, false), ("Scott", 600, false), ("Brandon", 600, false),
        ("Benjamin", 400, false), ("Samuel", 300, false), ("Frank", 400, false), ("Gregory", 600, false), ("Raymond", 500, false),
        ("Alexander", 300, false), ("Patrick", 500, false), ("Jack", 300, false), ("Dennis", 500, false), ("Jerry", 500, false),
        ("Mary", 2600, true), ("Patricia", 1400, true), ("Jennifer", 1400, true), ("Linda", 1400, true), ("Elizabeth", 1000, true),
        ("Barbara", 1200, true), ("Susan", 1100, true), ("Jessica", 1000, true), ("Sarah", 800, true), ("Karen", 1000, true),
        ("Lisa", 950, true), ("Nancy", 900, true), ("Betty", 600, true), ("Margaret", 600, true), ("Sandra", 850, true),
        ("Ashley", 800, true), ("Kimberly", 800, true), ("Emily", 450, true), ("Donna", 800, true), ("Michelle", 800, true),
        ("Carol", 750, true), ("Amanda", 750, true), ("Dorothy", 400, true), ("Melissa", 740, true), ("Deborah", 740, true),
        ("Stephanie", 700, true), ("Rebecca", 500, true), ("Sharon", 650, true), ("Laura", 550, true), ("Cynthia", 650, true),
        ("Kathleen", 550, true), ("Amy", 650, true), ("Angela", 650, true), ("Shirley", 400, true), ("Anna", 250, true),
        ("Brenda", 550, true), ("Pamela", 550, true), ("Nicole", 550, true), ("Helen", 250, true), ("Samantha", 400, true),
        ("Katherine", 450, true), ("Christine", 450, true), ("Debra", 550, true), ("Rachel", 450, true), ("Catherine", 400, true),
        ("Heather", 500, true), ("Zoë", 30, true), ("Renée", 40, true), ("Chloé", 20, true), ("André", 30, false),
    ]

    static let hispanic: [(String, Int, Bool)] = [
        ("José", 900, false), ("Juan", 800, false), ("Luis", 700, false), ("Carlos", 700, false), ("Jorge", 500, false),
        ("Jesús", 400, false), ("Miguel", 500, false), ("Francisco", 450, false), ("Antonio", 400, false), ("Alejandro", 350, false),
        ("Manuel", 350, false), ("Pedro", 300, false), ("Ricardo", 300, false), ("Raúl", 250, false), ("Eduardo", 300, false),
        ("Roberto", 300, false), ("Fernando", 250, false), ("Javier", 300, false), ("Ignacio", 100, false), ("Andrés", 150, false),
        ("María", 1000, true), ("Ana", 500, true), ("Rosa", 350, true), ("Carmen", 300, true), ("Juana", 200, true),
        ("Guadalupe", 250, true), ("Margarita", 150, true), ("Sofía", 200, true), ("Lucía", 150, true), ("Gabriela", 250, true),
        ("Adriana", 250, true), ("Verónica", 200, true), ("Alejandra", 250, true), ("Daniela", 250, true), ("Inés", 60, true),
    ]

    static let eastAsian: [(String, Int, Bool)] = [
        ("Wei", 200, false), ("Jian", 120, false), ("Min-jun", 100, false), ("Hyun", 100, false), ("Hiroshi", 60, false),
        ("Jun", 120, false), ("Mei", 150, true), ("Xiu", 80, true), ("Ji-woo", 100, true), ("Soo-jin", 100, true), ("Yuki", 60, true),
    ]

    static let southeastAsian: [(String, Int, Bool)] = [
        ("Minh", 200, false), ("Tuan", 150, false), ("Duc", 120, false), ("Quang", 100, false), ("Thanh", 150, false),
        ("Linh", 180, true), ("Huong", 150, true), ("Phuong", 120, true), ("Hoa", 120, true), ("Anh", 150, true),
    ]

    static let southAsian: [(String, Int, Bool)] = [
        ("Raj", 150, false), ("Amit", 150, false), ("Sanjay", 120, false), ("Vikram", 100, false), ("Arjun", 120, false), ("Deepak", 100, false),
        ("Priya", 180, true), ("Anjali", 140, true), ("Sunita", 100, true), ("Neha", 140, true),
    ]

    static let middleEastern: [(String, Int, Bool)] = [
        ("Mohammed", 250, false), ("Ahmed", 180, false), ("Omar", 150, false), ("Yusuf", 100, false), ("Hassan", 120, false), ("Karim", 80, false),
        ("Fatima", 180, true), ("Aisha", 140, true), ("Layla", 120, true), ("Mariam", 120, true),
    ]

    static let european: [(String, Int, Bool)] = [
        ("Jürgen", 60, false), ("Łukasz", 60, false), ("François", 60, false), ("Søren", 40, false), ("Piotr", 60, false),
        ("Agnieszka", 60, true), ("Hélène", 60, true), ("Małgorzata", 50, true), ("Björk", 10, true), ("Zoë", 40, true),
    ]

    /// The given names of a tradition. People of the Asian and other traditions born in the US are
    /// often given names of the general list: ``NameGroup`` draws mix the two.
    static func names(_ group: NameGroup) -> [(String, Int, Bool)] {
        switch group {
        case .general: general
        case .hispanic: hispanic
        case .eastAsian: eastAsian
        case .southeastAsian: southeastAsian
        case .southAsian: southAsian
        case .middleEastern: middleEastern
        case .european: european
        }
    }
}
