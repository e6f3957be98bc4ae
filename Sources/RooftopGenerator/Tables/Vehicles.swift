/// Vehicles a dealership sells and services: the World Manufacturer Identifier (the first three
/// characters of the VIN, assigned by SAE International under ISO 3780 and 49 CFR 565.15) of real
/// makers and plants, the make, and models made under it, weighted roughly by US sales.
enum Vehicles {
    /// (WMI, make, models, weight).
    static let makers: [(String, String, [String], Int)] = [
        ("1FT", "Ford", ["F-150", "F-250", "Ranger", "Maverick"], 110), ("1FM", "Ford", ["Explorer", "Expedition", "Bronco", "Escape"], 70),
        ("1FA", "Ford", ["Mustang", "Fusion"], 20), ("1GC", "Chevrolet", ["Silverado 1500", "Silverado 2500HD", "Colorado"], 90),
        ("1G1", "Chevrolet", ["Malibu", "Camaro", "Bolt EV"], 25), ("3GN", "Chevrolet", ["Equinox", "Blazer", "Trailblazer"], 45),
        ("4T1", "Toyota", ["Camry", "Corolla"], 70), ("2T3", "Toyota", ["RAV4"], 60), ("5TD", "Toyota", ["Highlander", "Sienna"], 35),
        ("3TM", "Toyota", ["Tacoma"], 35), ("1HG", "Honda", ["Accord", "Civic"], 55), ("2HK", "Honda", ["CR-V"], 50),
        ("5FN", "Honda", ["Pilot", "Odyssey"], 30), ("1N4", "Nissan", ["Altima", "Sentra"], 40), ("JN8", "Nissan", ["Rogue", "Pathfinder"], 40),
        ("1C4", "Jeep", ["Grand Cherokee", "Wrangler", "Cherokee"], 50), ("1C6", "Ram", ["1500", "2500"], 55),
        ("KM8", "Hyundai", ["Tucson", "Santa Fe", "Palisade"], 35), ("5NP", "Hyundai", ["Elantra", "Sonata"], 25),
        ("KND", "Kia", ["Sportage", "Sorento", "Telluride"], 35), ("JF2", "Subaru", ["Outback", "Forester", "Crosstrek"], 40),
        ("3VW", "Volkswagen", ["Jetta"], 12), ("1V2", "Volkswagen", ["Atlas"], 10), ("5YJ", "Tesla", ["Model 3", "Model Y"], 40),
        ("WBA", "BMW", ["3 Series", "5 Series"], 15), ("5UX", "BMW", ["X3", "X5"], 15), ("W1K", "Mercedes-Benz", ["C-Class", "E-Class"], 15),
        ("JTJ", "Lexus", ["RX 350", "NX 250"], 15), ("1GY", "Cadillac", ["Escalade", "XT5"], 8), ("2GN", "GMC", ["Terrain"], 10),
        ("1GT", "GMC", ["Sierra 1500", "Canyon"], 20), ("JM3", "Mazda", ["CX-5", "CX-50"], 20),
    ]

    static let colors = ["White", "Black", "Gray", "Silver", "Blue", "Red", "Green", "Brown", "Orange", "Beige"]
    static let trims = ["Base", "S", "SE", "SEL", "LE", "XLE", "LX", "EX", "Sport", "Limited", "Premium", "Touring", "XLT", "Lariat"]
    static let financeCompanies = ["Ford Credit", "Ally Financial", "Toyota Financial Services", "American Honda Finance", "Capital One Auto Finance",
                                   "Chase Auto", "Wells Fargo Auto", "GM Financial", "Navy Federal Credit Union", "Bank of America"]

    /// Characters a VIN may hold (49 CFR 565.13: no I, O or Q).
    static let vinCharacters = Array("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
    /// The 10th character (model year) for 2001–2030 (49 CFR 565.15(c), table VI).
    static let modelYearCodes = Array("123456789ABCDEFGHJKLMNPRSTVWXY")
}
