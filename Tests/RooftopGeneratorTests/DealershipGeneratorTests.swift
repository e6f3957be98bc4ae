import Foundation
import RooftopGenerator
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

/// The generated dealership data: reproducible, valid where real data is valid, and with the
/// labelled duplicates and households the duplicate evaluation needs.
@Suite struct DealershipGeneratorTests {
    static func lines(_ count: Int, seed: UInt64) -> [String] {
        DealershipGenerator(count: count, seed: seed).map { RecordCSV.labelledLine($0) + "|" + RecordCSV.customerLine($0) }
    }

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedOtherData() {
        #expect(Self.lines(2_000, seed: 7) == Self.lines(2_000, seed: 7))
        #expect(Self.lines(2_000, seed: 7) != Self.lines(2_000, seed: 8))
        // A prefix of a larger run is the smaller run: records do not depend on the count.
        #expect(Array(Self.lines(3_000, seed: 7).prefix(2_000)) == Self.lines(2_000, seed: 7))
    }

    @Test func phonesVINsEmailsAndDatesAreValidWhereRealDataIsValid() throws {
        var phones = 0, vins = 0
        for record in DealershipGenerator(count: 5_000, seed: 3) {
            if let phone = record.phone {
                let e164 = try #require(PhoneNumber.e164(phone), "\(phone) is not a phone number")
                #expect(e164.count == 12 && e164.hasPrefix("+1"))
                phones += 1
            }
            for vehicle in record.vehicles {
                #expect(VIN.normalise(vehicle.vin) == vehicle.vin && VIN.hasValidCheckDigit(vehicle.vin), "\(vehicle.vin)")
                vins += 1
            }
            if let email = record.email { #expect(EmailAddress.normalise(email) != nil, "\(email)") }
            if let birthDate = record.birthDate { #expect(Timestamp.isCanonicalDate(birthDate), "\(birthDate)") }
            #expect(Timestamp.isCanonicalDateTime(record.createdAt), "\(record.createdAt)")
            var balance = 0
            for event in record.loyalty { balance += event.kind == "Add" ? event.points : -event.points; #expect(balance >= 0) }
        }
        #expect(phones > 4_000 && vins > 2_500)
    }

    @Test func namesFollowTheFrequencyTablesWithAccentsAndNonLatinNames() {
        let records = Array(DealershipGenerator(count: 20_000, seed: 11))
        let surnames = records.compactMap(\.lastName)
        let smith = surnames.filter { $0 == "Smith" }.count, lee = surnames.filter { $0 == "Lee" }.count
        #expect(smith > lee && lee > 0)  // Census 2010: Smith 2.4M, Lee 0.7M
        #expect(surnames.contains { $0.unicodeScalars.contains { !$0.isASCII } })  // Muñoz, Pérez, ...
        #expect(surnames.contains("Nguyen") && surnames.contains("Patel") && surnames.contains("Kim"))
        let businesses = records.filter { $0.contactType == "Business" }
        #expect(businesses.count > 500 && businesses.allSatisfy { $0.businessName != nil })
    }

    @Test func duplicatesAreLabelledWithTheirVariationsAndHouseholdsAreDifferentPeople() {
        let records = Array(DealershipGenerator(count: 20_000, seed: 5))
        let byEntity = Dictionary(grouping: records, by: \.entity)
        let duplicated = byEntity.values.filter { $0.count > 1 }
        #expect(Double(duplicated.count) / Double(byEntity.count) > 0.07)
        var seen = Set<Variation>()
        for group in duplicated {
            let original = group[0]
            // A record with a name only (no phone, e-mail, birth date or address) leaves its copies nothing to keep.
            let hasKey = original.phone != nil || original.email != nil || original.birthDate != nil || original.street != nil
            for copy in group.dropFirst() where hasKey {
                guard case .duplicate(let variations) = copy.origin else { Issue.record("a second record of \(copy.entity) is not labelled"); continue }
                seen.formUnion(variations)
                // Something a careful reviewer matches on survives: phone digits, e-mail, birth date or street address.
                let digits = { (p: String?) in p.map { String($0.filter(\.isNumber).suffix(10)) } }
                let keeps = (digits(copy.phone) != nil && digits(copy.phone) == digits(original.phone)) || (copy.email != nil && copy.email == original.email)
                    || (copy.birthDate != nil && copy.birthDate == original.birthDate) || (copy.street != nil && copy.street == original.street)
                #expect(keeps, "\(copy.recordID) keeps nothing of \(original.recordID): \(variations)")
            }
        }
        #expect(seen == Set(Variation.allCases))
        // Household members: other entities at the same street address.
        let members = records.filter { $0.entity.contains("-h") }
        #expect(members.count > 500)
        let heads = Dictionary(grouping: records.filter { !$0.entity.contains("-h") }, by: \.entity)
        let sharing = members.filter { member in
            let head = member.entity.components(separatedBy: "-h")[0]
            return heads[head]?.first.map { $0.street == member.street && $0.street != nil } == true
        }
        #expect(sharing.count > members.count / 2)
        #expect(Set(members.map(\.entity)).isDisjoint(with: Set(heads.keys)))
    }

    @Test func recordsWrittenIntoAReplicaAreCustomersWithTheirHistory() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        var writer = ReplicaWriter(replica: t.replica, seed: 9)
        let records = Array(DealershipGenerator(count: 300, seed: 9))
        try writer.write(Array(records.prefix(150)))
        try writer.write(Array(records.dropFirst(150)))
        #expect(try t.replica.customerCount() == 300)
        #expect(try t.replica.storedRowCount(CRMSchema.customerVehicle) == records.reduce(0) { $0 + $1.vehicles.count })
        #expect(try t.replica.storedRowCount(CRMSchema.customerInteraction) == records.reduce(0) { $0 + $1.interactions.count })
        #expect(try t.replica.storedRowCount(CRMSchema.loyaltyEvent) == records.reduce(0) { $0 + $1.loyalty.count })
        // Searchable as staff would search: a generated surname finds its customers.
        let surname = try #require(records.compactMap(\.lastName).first)
        #expect(try !t.replica.searchCustomers(surname, limit: 10).isEmpty)
        // A page of them written straight to bytes is what their JSON values write (accents, non-Latin
        // names, businesses, loyalty tiers, several phones and addresses).
        let page = try t.replica.snapshot { tx in
            try tx.customersToShow(ids: try tx.list(ListQuery(CRMSchema.customer, limit: 300)).rows.map(\.id))
        }
        #expect(page.count == 300)
        for record in page {
            var bytes: [UInt8] = []
            try record.writeJSON(to: &bytes)
            #expect(bytes == (try record.json.jsonBytes()), "customer \(record.customer.id)")
        }
        // The same records again: refused whole, nothing doubled.
        var again = ReplicaWriter(replica: t.replica, seed: 9)
        #expect(throws: ReplicaError.self) { try again.write(Array(records.prefix(10))) }
        #expect(try t.replica.customerCount() == 300)
    }
}
