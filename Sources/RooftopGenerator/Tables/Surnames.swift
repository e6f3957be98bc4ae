/// Surnames with their frequency, for weighted draws.
///
/// Source: U.S. Census Bureau, "Frequently Occurring Surnames from the 2010 Census"
/// (`Names_2010Census.csv`, column `count`), the most frequent names, counts rounded to thousands.
/// Transcribed approximately, without the file at hand on this offline machine: the order and the
/// magnitudes follow the published table; check exact counts against it before relying on them.
/// The Census file is upper case and carries no diacritics; ``accentedSurnames`` restores the
/// Spanish spelling a share of records keep. A few names common among dealership customers but
/// below this cut (Vietnamese, Korean, Chinese, South Asian, Arabic, Polish, German) are added
/// with their 2010 counts, so non-Latin-derived names appear in about their US proportion.
enum Surnames {
    /// (surname, count in thousands, group).
    static let all: [(String, Int, NameGroup)] = [
        ("Smith", 2443, .general), ("Johnson", 1933, .general), ("Williams", 1625, .general), ("Brown", 1437, .general),
        ("Jones", 1425, .general), ("Garcia", 1166, .hispanic), ("Miller", 1161, .general), ("Davis", 1116, .general),
        ("Rodriguez", 1095, .hispanic), ("Martinez", 1060, .hispanic), ("Hernandez", 1043, .hispanic), ("Lopez", 875, .hispanic),
        ("Gonzalez", 841, .hispanic), ("Wilson", 802, .general), ("Anderson", 784, .general), ("Thomas", 756, .general),
        ("Taylor", 751, .general), ("Moore", 724, .general), ("Jackson", 708, .general), ("Martin", 703, .general),
        ("Lee", 693, .eastAsian), ("Perez", 682, .hispanic), ("Thompson", 665, .general), ("White", 660, .general),
        ("Harris", 624, .general), ("Sanchez", 613, .hispanic), ("Clark", 563, .general), ("Ramirez", 557, .hispanic),
        ("Lewis", 532, .general), ("Robinson", 530, .general), ("Walker", 523, .general), ("Young", 484, .general),
        ("Allen", 483, .general), ("King", 465, .general), ("Wright", 459, .general), ("Scott", 440, .general),
        ("Torres", 438, .hispanic), ("Nguyen", 438, .southeastAsian), ("Hill", 435, .general), ("Flores", 434, .hispanic),
        ("Green", 430, .general), ("Adams", 428, .general), ("Nelson", 425, .general), ("Baker", 420, .general),
        ("Hall", 407, .general), ("Rivera", 391, .hispanic), ("Campbell", 386, .general), ("Mitchell", 384, .general),
        ("Carter", 377, .general), ("Roberts", 377, .general), ("Gomez", 366, .hispanic), ("Phillips", 351, .general),
        ("Evans", 342, .general), ("Turner", 335, .general), ("Diaz", 333, .hispanic), ("Parker", 329, .general),
        ("Cruz", 323, .hispanic), ("Edwards", 318, .general), ("Collins", 317, .general), ("Reyes", 316, .hispanic),
        ("Stewart", 311, .general), ("Morris", 300, .general), ("Morales", 299, .hispanic), ("Murphy", 297, .general),
        ("Cook", 294, .general), ("Rogers", 294, .general), ("Gutierrez", 294, .hispanic), ("Ortiz", 287, .hispanic),
        ("Morgan", 286, .general), ("Cooper", 280, .general), ("Peterson", 279, .general), ("Bailey", 278, .general),
        ("Reed", 277, .general), ("Kelly", 267, .general), ("Howard", 264, .general), ("Ramos", 263, .hispanic),
        ("Kim", 262, .eastAsian), ("Cox", 262, .general), ("Ward", 260, .general), ("Richardson", 259, .general),
        ("Watson", 253, .general), ("Brooks", 251, .general), ("Chavez", 251, .hispanic), ("Wood", 250, .general),
        ("James", 249, .general), ("Bennett", 248, .general), ("Gray", 247, .general), ("Mendoza", 243, .hispanic),
        ("Ruiz", 242, .hispanic), ("Hughes", 242, .general), ("Price", 240, .general), ("Alvarez", 234, .hispanic),
        ("Castillo", 230, .hispanic), ("Sanders", 230, .general), ("Patel", 229, .southAsian), ("Myers", 229, .general),
        ("Long", 229, .general), ("Ross", 228, .general), ("Foster", 227, .general), ("Jimenez", 227, .hispanic),
        ("Tran", 200, .southeastAsian), ("Le", 141, .southeastAsian), ("Pham", 103, .southeastAsian),
        ("Chen", 183, .eastAsian), ("Wang", 144, .eastAsian), ("Li", 81, .eastAsian), ("Zhang", 66, .eastAsian),
        ("Park", 113, .eastAsian), ("Singh", 126, .southAsian), ("Shah", 54, .southAsian), ("Khan", 61, .middleEastern),
        ("Ali", 54, .middleEastern), ("Kowalski", 16, .european), ("Muller", 12, .european), ("Nowak", 20, .european),
        ("Munoz", 201, .hispanic), ("Vasquez", 170, .hispanic), ("Fernandez", 166, .hispanic), ("Dominguez", 117, .hispanic),
    ]

    /// The Spanish (or German, Polish) spelling of names the Census file folds to ASCII.
    static let accentedSurnames: [String: String] = [
        "Rodriguez": "Rodríguez", "Martinez": "Martínez", "Hernandez": "Hernández", "Lopez": "López", "Gonzalez": "González",
        "Perez": "Pérez", "Sanchez": "Sánchez", "Ramirez": "Ramírez", "Gomez": "Gómez", "Diaz": "Díaz", "Gutierrez": "Gutiérrez",
        "Chavez": "Chávez", "Alvarez": "Álvarez", "Jimenez": "Jiménez", "Munoz": "Muñoz", "Vasquez": "Vásquez",
        "Fernandez": "Fernández", "Dominguez": "Domínguez", "Muller": "Müller",
    ]
}

/// A naming tradition, so first names and surnames of one person go together.
enum NameGroup: Int, CaseIterable, Sendable {
    case general, hispanic, eastAsian, southeastAsian, southAsian, middleEastern, european
}
