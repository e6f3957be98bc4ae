import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct ReplicaLocalWriteTests {
    static func ana() -> CustomerInput {
        CustomerInput(fields: ["firstName": .text("Ana"), "lastName": .text("Example"), "email": .text("ana@example.com")],
                      phones: [ChildInput(fields: ["number": .text("+15550100101"), "type": .text("Mobile")])])
    }

    @Test func createStampsEveryGivenFieldWithOneHLCAndSetsSystemFields() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let id = try t.replica.createCustomer(Self.ana())
        let record = try #require(try t.replica.customer(id: id))
        let stamps = Set(record.customer.stamps.values)
        #expect(stamps.count == 1)
        #expect(stamps.first?.origin.rawValue == "north")
        #expect(record.customer["status"] == .text("Prospect"))
        #expect(record.customer["contactType"] == .text("Individual"))
        #expect(record.customer["homeRooftop"] == .text("north"))
        #expect(record.customer["createdAt"] == .text(Timestamp.string(milliseconds: t.clock.nowMilliseconds())))
        #expect(record.phones.count == 1)
        #expect(record.phones[0]["primary"] == .integer(1))  // the only phone becomes primary
    }

    @Test func updateStampsOnlyTheFieldsWhoseValueChanged() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let id = try t.replica.createCustomer(Self.ana())
        let before = try #require(try t.replica.customer(id: id)).customer
        let hlcBefore = try t.replica.currentHLC()
        t.clock.advance(by: 1_000)
        // A stale full-record update: same names and e-mail, only notes new.
        let written = try t.replica.updateCustomer(id: id, CustomerInput(fields: [
            "firstName": .text("Ana"), "lastName": .text("Example"), "email": .text("ana@example.com"), "notes": .text("VIP"),
        ]))
        #expect(written == 1)
        let after = try #require(try t.replica.customer(id: id)).customer
        #expect(after.stamps["firstName"] == before.stamps["firstName"])
        #expect(after.stamps["email"] == before.stamps["email"])
        #expect(after.stamps["notes"]! > before.stamps["email"]!)
        #expect(after.stamps["updatedAt"] == after.stamps["notes"])
        let log = try t.replica.changeset(origin: t.replica.rooftop, after: hlcBefore, limit: 10)
        #expect(log.changes.count == 1)
        #expect(Set(log.changes[0].fields.map(\.name)) == ["notes", "updatedAt"])
    }

    @Test func updateThatChangesNothingWritesNothing() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let id = try t.replica.createCustomer(Self.ana())
        let hlc = try t.replica.currentHLC()
        #expect(try t.replica.updateCustomer(id: id, CustomerInput(fields: ["firstName": .text("Ana")])) == 0)
        #expect(try t.replica.currentHLC() == hlc)
        #expect(try t.replica.changeCount(origin: t.replica.rooftop, after: hlc) == 0)
    }

    @Test func updateOfAMissingCustomerIsNotFoundAndCreatesNothing() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let missing = RowID.v7(milliseconds: 1)
        let error = try #require(throws: ReplicaError.self) { try t.replica.updateCustomer(id: missing, CustomerInput(fields: ["notes": .text("x")])) }
        #expect(error.code == .notFound)
        #expect(try t.replica.customerCount() == 0)
    }

    /// If-Match: an update based on an outdated read is refused and writes nothing; one based on
    /// the current entity tag is written.
    @Test func updateWithAnOutdatedEntityTagIsRefusedAndWritesNothing() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let id = try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Ng")]))
        let read = try #require(try t.replica.customer(id: id)).entityTag
        try t.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("first")]))  // someone else's write
        let pending = try t.replica.changeCount(origin: t.replica.rooftop, after: .zero)
        let error = try #require(throws: ReplicaError.self) {
            try t.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("second")]), ifMatch: [read])
        }
        #expect(error.code == .preconditionFailed)
        #expect(try t.replica.customer(id: id)?.customer["notes"] == .text("first"))
        #expect(try t.replica.changeCount(origin: t.replica.rooftop, after: .zero) == pending)
        let current = try #require(try t.replica.customer(id: id)).entityTag
        #expect(try t.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("second")]), ifMatch: ["\"other\"", current]) == 1)
        #expect(try t.replica.customer(id: id)?.customer["notes"] == .text("second"))
    }

    @Test func customerWithoutAnyNameIsRefusedWithItsPointer() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let error = try #require(throws: FieldInputError.self) { try t.replica.createCustomer(CustomerInput(fields: ["email": .text("a@b.co")])) }
        #expect(error.pointer == "/lastName")
        #expect(try t.replica.customerCount() == 0)
    }

    @Test func markingAnotherPhonePrimaryClearsTheFlagOnTheOldOne() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let id = try t.replica.createCustomer(Self.ana())
        try t.replica.updateCustomer(id: id, CustomerInput(phones: [ChildInput(fields: ["number": .text("+15550100999"), "primary": .integer(1)])]))
        let phones = try #require(try t.replica.customer(id: id)).phones
        #expect(phones.count == 2)
        #expect(phones.filter { $0["primary"] == .integer(1) }.map { $0["number"] } == [.text("+15550100999")])
    }

    @Test func hlcStaysMonotonicAcrossReopenEvenWhenTheWallClockWentBack() throws {
        let t = try TestReplica()
        defer { t.remove() }
        try t.replica.createCustomer(Self.ana())
        let before = try t.replica.currentHLC()
        let earlier = ManualWallClock(milliseconds: t.clock.nowMilliseconds() - 3_600_000)
        let reopened = try Replica(path: t.replica.path, rooftop: t.replica.rooftop, wallClock: earlier)
        try reopened.createCustomer(Self.ana())
        #expect(try reopened.currentHLC() > before)
    }

    @Test func twoHandlesOnOneFileNeverIssueTheSameHLC() throws {
        // The node's server and the CLI share the SQLite file.
        let t = try TestReplica()
        defer { t.remove() }
        let second = try Replica(path: t.replica.path, rooftop: t.replica.rooftop, wallClock: t.clock)
        for i in 0..<20 {
            try (i % 2 == 0 ? t.replica : second).createCustomer(CustomerInput(fields: ["lastName": .text("N\(i)")]))
        }
        let changes = try t.replica.changeset(origin: t.replica.rooftop, after: .zero, limit: 100).changes
        #expect(changes.count == 20)
        #expect(Set(changes.map(\.hlc)).count == 20)
    }

    @Test func aReplicaFileRefusesToOpenAsAnotherRooftop() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let error = try #require(throws: ReplicaError.self) { try Replica(path: t.replica.path, rooftop: RooftopID(rawValue: "south")!) }
        #expect(error.code == .wrongRooftop)
        #expect(try Replica.owner(ofReplicaAt: t.replica.path) == t.replica.rooftop)
    }

    @Test func searchFindsByNameWordsEmailPrefixAndPhoneInAnyFormat() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let ana = try t.replica.createCustomer(Self.ana())
        try t.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Bo"), "lastName": .text("Sample")]))
        #expect(try t.replica.searchCustomers("ana exam").map(\.customer.id) == [ana])
        #expect(try t.replica.searchCustomers("EXAMPLE").map(\.customer.id) == [ana])
        #expect(try t.replica.searchCustomers("ana@ex").map(\.customer.id) == [ana])
        #expect(try t.replica.searchCustomers("(555) 010-0101").map(\.customer.id) == [ana])
        #expect(try t.replica.searchCustomers("0100101").map(\.customer.id) == [ana])
        #expect(try t.replica.searchCustomers("zzz").isEmpty)
        #expect(try t.replica.searchCustomers("100%_").isEmpty)  // LIKE wildcards are literal
    }

    @Test func localWriteOfAValueThatIsNotNormalisedIsRefused() throws {
        let t = try TestReplica()
        defer { t.remove() }
        let error = try #require(throws: FieldInputError.self) {
            try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("A")], phones: [ChildInput(fields: ["number": .text("555 010 0102")])]))
        }
        #expect(error.pointer == "/number")
        #expect(try t.replica.customerCount() == 0)
    }
}
