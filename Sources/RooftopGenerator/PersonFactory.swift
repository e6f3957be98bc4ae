import Foundation
import RooftopModel

/// Draws one person's or business's record from the tables: name by naming tradition and
/// frequency, birth date, e-mail, E.164-valid phone with the metro's real area code, US address,
/// vehicles with valid VINs, interactions over the years, loyalty events, journey and survey.
struct PersonFactory {
    let groups = WeightedTable<NameGroup>([(.general, 70), (.hispanic, 18), (.eastAsian, 3), (.southeastAsian, 2), (.southAsian, 3),
                                           (.middleEastern, 2), (.european, 2)])
    let surnames: [NameGroup: WeightedTable<String>]
    let firstNames: [NameGroup: WeightedTable<(String, Bool)>]
    let metros: WeightedTable<(String, String, String, String)>
    /// The group's home metros (most customers live near its rooftops).
    let homeMetros: [(String, String, String, String)]
    let domains = WeightedTable(Places.emailDomains)
    let makers = WeightedTable(Vehicles.makers.map { (($0.0, $0.1, $0.2), $0.3) })
    let sources = WeightedTable([("WebLead", 35), ("Showroom", 30), ("ServiceCustomer", 25), ("ReferralCustomer", 10)])
    static let stages = ["Awareness", "Consideration", "Purchase", "Ownership", "Service", "Repurchase"]

    init(seed: UInt64) {
        var bySurname: [NameGroup: [(String, Int)]] = [:]
        for (name, count, group) in Surnames.all { bySurname[group, default: []].append((name, count)) }
        var surnames: [NameGroup: WeightedTable<String>] = [:]
        for group in NameGroup.allCases {
            // The general tradition also draws from every surname list (names cross traditions).
            surnames[group] = WeightedTable(group == .general ? Surnames.all.map { ($0.0, $0.1) } : bySurname[group] ?? [("Smith", 1)])
        }
        self.surnames = surnames
        var firstNames: [NameGroup: WeightedTable<(String, Bool)>] = [:]
        for group in NameGroup.allCases {
            let own = FirstNames.names(group).map { (($0.0, $0.2), $0.1) }
            // US-born people of other traditions are often given general names.
            let share = group == .general ? 0 : (group == .hispanic ? 1 : 3)
            let mixed = group == .general ? own : own + FirstNames.general.map { (($0.0, $0.2), $0.1 * share / 10) }
            firstNames[group] = WeightedTable(mixed)
        }
        self.firstNames = firstNames
        metros = WeightedTable(Places.metros.map { (($0.0, $0.1, $0.2, $0.3), $0.4) })
        var random = SplitMix64(seed: seed ^ 0x5EED_0F_6E0)
        homeMetros = (0..<3).map { _ in Places.metros[Int(random.next() % UInt64(Places.metros.count))] }.map { ($0.0, $0.1, $0.2, $0.3) }
    }

    /// "Today" for generated dates: fixed, so the same seed gives the same bytes on any day.
    static let today = (year: 2026, month: 11, day: 30)

    func metro(_ random: inout SplitMix64) -> (String, String, String, String) {
        random.chance(85) ? random.pick(homeMetros) : metros.draw(&random)
    }

    /// A person's record (no id yet).
    func person(_ random: inout SplitMix64) -> GeneratedRecord {
        let group = groups.draw(&random)
        var lastName = surnames[group]!.draw(&random)
        if let accented = Surnames.accentedSurnames[lastName], random.chance(45) { lastName = accented }
        let (firstName, _) = firstNames[group]!.draw(&random)
        let birthYear = Self.today.year - random.int(18...85) + (random.chance(50) ? 0 : -random.int(0...5))
        let area = metro(&random)
        var record = base(&random, area: area)
        record.firstName = firstName
        record.lastName = lastName
        record.birthDate = random.chance(70) ? String(format: "%04d-%02d-%02d", max(1930, birthYear), random.int(1...12), random.int(1...28)) : nil
        record.email = random.chance(80) ? email(first: firstName, last: lastName, birthYear: birthYear, &random) : nil
        return record
    }

    /// A business (fleet or commercial) customer's record.
    func business(_ random: inout SplitMix64) -> GeneratedRecord {
        let area = metro(&random)
        var record = base(&random, area: area)
        record.contactType = "Business"
        let name = "\(random.pick(Places.businessWords)) \(random.pick(Places.businessKinds))"
        let form = random.pick(Places.businessForms)
        record.businessName = form.isEmpty ? name : "\(name) \(form)"
        record.phoneType = "Work"
        let domain = TextFolding.fold(name).filter { $0.isLetter || $0.isNumber }
        record.email = random.chance(85) ? "\(random.pick(["info", "office", "fleet", "admin", "accounts"]))@\(domain).com" : nil
        if random.chance(50) {
            record.firstName = firstNames[.general]!.draw(&random).0
            record.lastName = surnames[.general]!.draw(&random)
        }
        record.vehicles += (0..<random.int(1...4)).map { _ in vehicle(&random) }
        return record
    }

    /// The fields every customer has: phone, address, source, history.
    func base(_ random: inout SplitMix64, area: (String, String, String, String)) -> GeneratedRecord {
        let created = date(&random, fromYear: 2015)
        var record = GeneratedRecord(
            recordID: "", entity: "", origin: .original, contactType: "Individual", firstName: nil, lastName: nil, businessName: nil,
            email: nil, phone: random.chance(92) ? Self.format(phone(area: area.0, &random), &random) : nil, phoneType: random.chance(80) ? "Mobile" : "Home",
            street: nil, city: nil, state: nil, postalCode: nil, birthDate: nil, sourceType: sources.draw(&random),
            status: random.chance(70) ? "Active" : (random.chance(70) ? "Prospect" : "Inactive"),
            createdAt: "\(created)T\(String(format: "%02d:%02d:%02d", random.int(8...20), random.int(0...59), random.int(0...59))).000Z",
            vehicles: [], interactions: [], loyalty: [], journeyStage: nil, surveyScore: nil)
        if random.chance(85) { address(&record, area: area, &random) }
        let owned = random.chance(65) ? (random.chance(75) ? 1 : random.int(2...3)) : 0
        record.vehicles = (0..<owned).map { _ in vehicle(&random) }
        record.interactions = (0..<random.int(0...6)).map { _ in interaction(&random) }.sorted { $0.date < $1.date }
        if !record.vehicles.isEmpty, random.chance(60) {
            var balance = 0
            for _ in 0..<random.int(1...5) {
                if balance >= 100, random.chance(25) {
                    let points = random.int(1...(balance / 50)) * 50
                    balance -= points
                    record.loyalty.append(GeneratedLoyaltyEvent(kind: "Redeem", points: points, reason: "service discount"))
                } else {
                    let points = random.int(2...40) * 10
                    balance += points
                    record.loyalty.append(GeneratedLoyaltyEvent(kind: "Add", points: points, reason: random.pick(["service visit", "purchase", "referral"])))
                }
            }
        }
        if random.chance(40) { record.journeyStage = random.pick(Self.stages) }
        if random.chance(15) { record.surveyScore = random.int(0...10) }
        return record
    }

    func address(_ record: inout GeneratedRecord, area: (String, String, String, String), _ random: inout SplitMix64) {
        let suffix = random.pick(Places.suffixes)
        record.street = "\(random.int(1...9899)) \(random.pick(Places.streets)) \(random.chance(80) ? suffix.abbreviation : suffix.full)"
        record.city = area.1
        record.state = area.2
        record.postalCode = area.3 + String(format: "%02d", random.int(1...98))
    }

    /// A 10-digit NANP number of the area code: exchange 2–9 then two digits (not N11), line 4 digits.
    func phone(area: String, _ random: inout SplitMix64) -> String {
        var exchange = random.int(200...999)
        if exchange % 100 == 11 { exchange += 1 }
        return "\(area)\(exchange)\(String(format: "%04d", random.int(0...9999)))"
    }

    /// A 10-digit number written as people write it.
    static func format(_ digits: String, _ random: inout SplitMix64) -> String {
        let d = Array(digits), a = String(d[0..<3]), b = String(d[3..<6]), c = String(d[6..<10])
        switch random.int(0...9) {
        case 0...3: return "(\(a)) \(b)-\(c)"
        case 4...5: return "\(a)-\(b)-\(c)"
        case 6: return "\(a).\(b).\(c)"
        case 7: return "\(a)\(b)\(c)"
        case 8: return "+1 \(a) \(b) \(c)"
        default: return "1-\(a)-\(b)-\(c)"
        }
    }

    /// A personal e-mail built the ways people build them, ASCII, at a common provider.
    func email(first: String, last: String, birthYear: Int, _ random: inout SplitMix64) -> String {
        let f = TextFolding.fold(first).filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        let l = TextFolding.fold(last).filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        let local: String
        switch random.int(0...6) {
        case 0: local = "\(f).\(l)"
        case 1: local = "\(f)\(l)\(random.int(1...99))"
        case 2: local = "\(f.prefix(1))\(l)"
        case 3: local = "\(f)_\(l)"
        case 4: local = "\(f)\(birthYear % 100)"
        case 5: local = "\(l).\(f)"
        default: local = "\(f)\(l.prefix(1))\(random.int(100...9999))"
        }
        return "\(local)@\(domains.draw(&random))"
    }

    /// A vehicle with a valid VIN: a real WMI, five VDS characters, the check digit, the model year
    /// code, a plant code and a six-digit serial (49 CFR 565.15).
    func vehicle(_ random: inout SplitMix64) -> GeneratedVehicle {
        let (wmi, make, models) = makers.draw(&random)
        let year = random.int(2008...2026)
        var chars = Array(wmi)
        for _ in 0..<5 { chars.append(random.pick(Vehicles.vinCharacters)) }
        chars.append("0")
        chars.append(Vehicles.modelYearCodes[year - 2001])
        chars.append(random.pick(Vehicles.vinCharacters))
        chars += Array(String(format: "%06d", random.int(0...999_999)))
        chars[8] = VIN.checkDigit(String(chars))!
        let isNew = random.chance(55)
        let purchaseYear = min(Self.today.year, year + (isNew ? 0 : random.int(1...6)))
        let finance = random.pick(["Cash", "Finance", "Finance", "Lease"])
        return GeneratedVehicle(
            vin: String(chars), year: year, make: make, model: random.pick(models), trim: random.pick(Vehicles.trims), color: random.pick(Vehicles.colors),
            condition: isNew ? "New" : "Used", odometer: max(0, (Self.today.year - year) * random.int(6...15) * 1000 + random.int(0...999)),
            purchaseDate: String(format: "%04d-%02d-%02d", purchaseYear, random.int(1...12), random.int(1...28)),
            purchaseType: isNew ? "New" : (random.chance(30) ? "CPO" : "Used"), financeType: finance,
            financeCompany: finance == "Cash" ? nil : random.pick(Vehicles.financeCompanies), status: random.chance(85) ? "Active" : random.pick(["Sold", "Traded"]))
    }

    func interaction(_ random: inout SplitMix64) -> GeneratedInteraction {
        let type = random.pick(["Call", "Call", "Email", "SMS", "In-Person", "Web"])
        let subject = random.pick(["Oil change reminder", "Test drive follow-up", "Service appointment", "Trade-in appraisal", "Recall notice",
                                   "Lease end options", "Price quote", "Tire rotation", "Financing question", "Thank you for your purchase"])
        return GeneratedInteraction(date: "\(date(&random, fromYear: 2018))T\(String(format: "%02d:%02d:00", random.int(8...19), random.int(0...59))).000Z",
                                    type: type, direction: random.chance(55) ? "Outbound" : "Inbound", subject: subject,
                                    duration: type == "Call" ? random.int(30...1800) : nil)
    }

    /// A date `YYYY-MM-DD` from `fromYear` to ``today``.
    func date(_ random: inout SplitMix64, fromYear: Int) -> String {
        let year = random.int(fromYear...Self.today.year)
        let month = year == Self.today.year ? random.int(1...Self.today.month) : random.int(1...12)
        return String(format: "%04d-%02d-%02d", year, month, random.int(1...28))
    }
}
