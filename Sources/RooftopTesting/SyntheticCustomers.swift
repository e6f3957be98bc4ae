import RooftopModel
import RooftopStore

/// A deterministic generator of realistic customers (same seed, same customers): names,
/// E.164 phones in the 555-01xx range, e-mails, US addresses, and VINs with valid check digits.
/// Used by the benchmarks and scale tests.
public struct SyntheticCustomers: Sendable {
    public var random: SplitMix64

    public init(seed: UInt64 = 42) { random = SplitMix64(seed: seed) }

    static let firstNames = ["Ana", "Bo", "Cara", "Dana", "Eli", "José", "Zoë", "Liam", "Mia", "Noah", "Olivia", "Priya", "Quinn",
                             "Ravi", "Sofia", "Tom", "Uma", "Victor", "Wen", "Yusuf"]
    static let lastNames = ["Example", "Sample", "Demo", "Tester", "Muñoz", "Nguyen", "Smith", "Garcia", "Berry", "Kowalski",
                            "O'Brien", "Okafor", "Schmidt", "Rossi", "Tanaka", "Haddad", "Novak", "Silva", "Dubois", "Larsen"]
    static let streets = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "Lake View Blvd", "Hillcrest Way"]
    static let cities = [("Springfield", "IL", "627"), ("Riverton", "WY", "825"), ("Lakewood", "CO", "802"), ("Madison", "WI", "537")]

    mutating func next() -> UInt64 { random.next() }

    mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }

    /// The next customer: fields, one mobile phone, one home address.
    public mutating func customer(index: Int) -> CustomerInput {
        let first = pick(Self.firstNames), last = pick(Self.lastNames)
        let (city, state, zip) = pick(Self.cities)
        let local = last.lowercased().filter { $0.isLetter && $0.isASCII }
        return CustomerInput(
            fields: [
                "firstName": .text(first), "lastName": .text(last), "email": .text("\(first.lowercased().filter(\.isASCII)).\(local)\(index)@example.com"),
                "optInEmail": .integer(Int64(next() % 2)), "doNotContact": .integer(0), "leadScore": .integer(Int64(next() % 100)),
                "sourceType": .text(pick(["WebLead", "Showroom", "ServiceCustomer", "ReferralCustomer"])),
                "status": .text(pick(["Active", "Prospect"])), "birthDate": .text("19\(50 + next() % 50)-0\(1 + next() % 9)-1\(next() % 9)"),
                "notes": .text("Synthetic customer \(index)"),
            ],
            phones: [ChildInput(fields: ["type": .text("Mobile"), "number": .text(String(format: "+1555%07d", index % 10_000_000))])],
            addresses: [ChildInput(fields: [
                "type": .text("Home"), "street": .text("\(1 + next() % 9999) \(pick(Self.streets))"), "city": .text(city),
                "state": .text(state), "postalCode": .text("\(zip)\(String(format: "%02d", next() % 100))"), "country": .text("US"),
            ])])
    }

    /// A VIN with a valid check digit (49 CFR 565.15).
    public mutating func vin() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
        var chars = (0..<17).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        for digit in Array("0123456789X") {
            chars[8] = digit
            if VIN.hasValidCheckDigit(String(chars)) { break }
        }
        return String(chars)
    }
}
