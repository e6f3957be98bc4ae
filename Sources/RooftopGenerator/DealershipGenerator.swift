/// A deterministic stream of a dealership group's customer records (`rooftop fixtures generate`):
/// the same seed and count give the same records, byte for byte, on any machine and day.
///
/// Each entity (a person or business) is drawn from its own generator, seeded from `(seed, index)`,
/// so the stream needs no state but a counter and constant memory. About `duplicateRate` of
/// entities are entered again (one to three times) with the ``Variation``s real data has; about
/// `householdRate` of people share their address and home phone with one to three household
/// members, who are *different* entities (spouses, parents, grown children: the commonest false
/// merge at a dealership).
public struct DealershipGenerator: Sequence, Sendable {
    /// Records to produce.
    public let count: Int
    public let seed: UInt64
    /// Share of entities entered more than once (default 0.10).
    public var duplicateRate = 0.10
    /// Share of people with household members in the data (default 0.12).
    public var householdRate = 0.12
    /// Share of entities that are businesses (default 0.06).
    public var businessRate = 0.06

    /// The first `count` records of the stream of `seed` (a larger count extends it; it never changes them).
    public init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    public struct Iterator: IteratorProtocol {
        let generator: DealershipGenerator
        let factory: PersonFactory
        let variations: Variations
        var emitted = 0
        var nextEntity = 0
        var pending: [GeneratedRecord] = []
        /// E-mail address → the person holding it: a mail provider gives an address to one person,
        /// so a second `maria.garcia@gmail.com` becomes `maria.garcia4821@gmail.com`.
        var emailOwners: [String: String] = [:]

        init(_ generator: DealershipGenerator) {
            self.generator = generator
            factory = PersonFactory(seed: generator.seed)
            variations = Variations(factory: factory)
        }

        public mutating func next() -> GeneratedRecord? {
            guard emitted < generator.count else { return nil }
            if pending.isEmpty { pending = entityRecords(nextEntity); nextEntity += 1 }
            var record = pending.removeFirst()
            emitted += 1
            record.recordID = "rec-\(generator.seed)-" + String(emitted).leftPadded(to: 7)
            return record
        }

        /// One entity's records (its household members' after it), in entry order.
        mutating func entityRecords(_ index: Int) -> [GeneratedRecord] {
            // The entity's seed is a hash of (seed, index): seeds one gamma apart would give each
            // entity the stream of the one before it shifted by a step, and so near-identical twins.
            var mixer = SplitMix64(seed: generator.seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
            var random = SplitMix64(seed: mixer.next())
            let entity = "ent-" + String(index + 1).leftPadded(to: 7)
            var people: [(String, GeneratedRecord)] = []
            if random.chance(generator.businessRate * 100) {
                people.append((entity, factory.business(&random)))
            } else {
                let person = factory.person(&random)
                people.append((entity, person))
                if random.chance(generator.householdRate * 100) {
                    for k in 1...random.int(1...3) { people.append(("\(entity)-h\(k)", household(of: person, &random))) }
                }
            }
            var records: [GeneratedRecord] = []
            for (id, var record) in people {
                record.entity = id
                claimEmail(&record, &random)
                records.append(record)
                if random.chance(generator.duplicateRate * 100) {
                    let copies = random.chance(80) ? 1 : (random.chance(85) ? 2 : 3)
                    for _ in 0..<copies {
                        var copy = variations.duplicate(of: record, &random)
                        claimEmail(&copy, &random)
                        records.append(copy)
                    }
                }
            }
            return records
        }

        /// Keeps `record`'s e-mail when no other person holds it; otherwise adds digits to the local
        /// part until it is free, as providers make people do.
        mutating func claimEmail(_ record: inout GeneratedRecord, _ random: inout SplitMix64) {
            guard var email = record.email, let at = email.firstIndex(of: "@") else { return }
            let local = email[..<at], domain = email[at...]
            while let owner = emailOwners[email], owner != record.entity {
                email = "\(local)\(random.int(1...9999))\(domain)"
            }
            emailOwners[email] = record.entity
            record.email = email
        }

        /// A spouse, parent or grown child: the same address and home phone (and usually surname),
        /// their own first name, birth date, e-mail and mobile.
        func household(of person: GeneratedRecord, _ random: inout SplitMix64) -> GeneratedRecord {
            var member = factory.person(&random)
            member.street = person.street
            member.city = person.city
            member.state = person.state
            member.postalCode = person.postalCode
            if random.chance(85) { member.lastName = person.lastName }
            if let first = member.firstName, let last = member.lastName, random.chance(80) {
                member.email = factory.email(first: first, last: last, birthYear: 1960 + random.int(0...45), &random)
            }
            if random.chance(50) {  // the shared home phone
                member.phone = person.phone
                member.phoneType = "Home"
            }
            return member
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
