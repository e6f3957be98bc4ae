import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct CompactionTests {
    let clock = ManualWallClock()
    static let day: Int64 = 86_400_000

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    @Test func compactionDropsSupersededValuesButNeverChangesContent() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let id = try hub.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("v0")]))
        for i in 1...5 {
            clock.advance(by: Self.day)
            try hub.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("v\(i)")]))
        }
        clock.advance(by: 100 * Self.day)
        let digest = try hub.replica.digest()
        let report = try hub.replica.compact(purgeExpiredTombstones: true)
        #expect(report.entriesDropped == 4)  // the updates whose notes (and updatedAt) were superseded
        #expect(report.fieldsDropped > 0)
        #expect(try hub.replica.digest() == digest)
        #expect(try hub.replica.rowsDifferingFromTheirHistory().isEmpty)
        #expect(try hub.replica.compact(purgeExpiredTombstones: true).changedNothing)  // nothing left to do
        // The hub's retention floor now covers the winner of what was dropped: a rooftop that has not
        // seen it must re-bootstrap, so no delete unaware of it can arrive any more.
        #expect(try hub.replica.retentionFloor()[.hub] == hub.replica.versionVector()[.hub])
    }

    /// Failed before: a delete unaware of an edit older than the horizon, arriving after compaction,
    /// made that edit lose while the value it had superseded was compacted away (replicas diverged).
    /// A rooftop drops only what the hub's floor covers, and unsent deletes older than it are refreshed.
    @Test func aRooftopCompactsOnlyWhatTheHubsFloorCoversAndStaleDeletesAreRefreshed() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("v0")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: Self.day)
        try south.replica.delete(CRMSchema.customer, id: id)  // unaware of north's next edit; not sent
        try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("v1")]))
        clock.advance(by: 100 * Self.day)
        let acked = try north.replica.versionVector()[north.replica.rooftop]
        #expect(try north.replica.compact(purgeExpiredTombstones: false, ownAcknowledgedThrough: acked).changedNothing)  // no floor yet
        try north.replica.recordHubRetentionFloor(VersionVector([north.replica.rooftop: acked]))
        #expect(try north.replica.compact(purgeExpiredTombstones: false, ownAcknowledgedThrough: acked).fieldsDropped > 0)
        // South's delete predates that floor: refreshed before it is sent, it no longer makes v1 lose.
        #expect(try south.replica.refreshStaleDeletes(floor: VersionVector([north.replica.rooftop: acked]), after: .zero) == 1)
        try north.replica.apply(try outbox(south.replica))
        try south.replica.apply(try outbox(north.replica))
        #expect(try north.replica.digest() == south.replica.digest())
        #expect(try north.replica.conflicts().isEmpty)
        #expect(try north.replica.storedState(CRMSchema.customer, id: id)?.values["notes"] == .text("v1"))
    }

    @Test func theOutboxIsNeverCompacted() throws {
        let north = try TestReplica("north", clock: clock)
        defer { north.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        clock.advance(by: Self.day)
        try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("a")]))
        try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("b")]))
        clock.advance(by: 100 * Self.day)
        let pending = try north.replica.changeCount(origin: north.replica.rooftop, after: .zero)
        _ = try north.replica.compact(purgeExpiredTombstones: false, ownAcknowledgedThrough: .zero)  // nothing acknowledged
        #expect(try north.replica.changeCount(origin: north.replica.rooftop, after: .zero) == pending)
    }

    @Test func aPurgeRemovesAnOldDeletedRowEverywhereAndNothingBringsItBack() throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { hub.remove(); north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try hub.replica.apply(try outbox(north.replica))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: Self.day)
        try north.replica.delete(CRMSchema.customer, id: id)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("late edit")]))  // unaware
        try hub.replica.apply(try outbox(north.replica))
        clock.advance(by: 91 * Self.day)
        let report = try hub.replica.compact(purgeExpiredTombstones: true)
        #expect(report.rowsPurged == 1)
        #expect(try hub.replica.storedState(CRMSchema.customer, id: id) == nil)
        #expect(try hub.replica.retentionFloor()[north.replica.rooftop] > .zero)
        // The late edit arrives after the purge: ignored, not resurrected.
        try hub.replica.apply(try outbox(south.replica))
        #expect(try hub.replica.storedState(CRMSchema.customer, id: id) == nil)
        // The purge is a replicated change: the rooftops remove the row the same way.
        let purges = try hub.replica.changeset(origin: .hub, after: .zero, limit: 10)
        #expect(purges.changes.map(\.kind) == [.purge])
        for rooftop in [north, south] {
            try rooftop.replica.apply(purges)
            #expect(try rooftop.replica.storedState(CRMSchema.customer, id: id) == nil)
            #expect(throws: ReplicaError.self) { try rooftop.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Again")]), id: id) }
        }
        try north.replica.apply(try outbox(south.replica))
        #expect(try north.replica.digest() == hub.replica.digest())
    }

    /// A customer with one row in every child table, deleted a day later.
    func deletedCustomerWithChildren(_ north: TestReplica) throws -> RowID {
        let id = try north.replica.createCustomer(CustomerInput(
            fields: ["lastName": .text("Berry")], phones: [ChildInput(fields: ["number": .text("+15550100001")])],
            addresses: [ChildInput(fields: ["street": .text("17 Quillfeather Lane"), "postalCode": .text("62701")])], tags: ["VIP"]))
        try CRMService(replica: north.replica).recordLoyalty(.add, points: 10, reason: nil, customer: id)
        try north.replica.addInteraction(["customerId": .text(id.string), "type": .text("Call")])
        let vehicle = RowID.v7(milliseconds: clock.nowMilliseconds())
        try north.replica.write([LocalWrite(.insert, CRMSchema.vehicle, id: vehicle, values: ["vin": .text("1HGCM82633A004352")]),
                                 LocalWrite(.insert, CRMSchema.customerVehicle, id: RowID.v7(milliseconds: clock.nowMilliseconds() + 1),
                                            values: ["customerId": .text(id.string), "vehicleId": .text(vehicle.string)])])
        clock.advance(by: Self.day)
        try north.replica.delete(CRMSchema.customer, id: id)
        return id
    }

    static func childRows(_ replica: Replica, of customer: RowID) throws -> Int {
        var count = 0
        for child in CRMSchema.children(of: "customer") {
            count += try replica.rows(child, where: "customerId", equals: .text(customer.string)).count
        }
        return count
    }

    /// Failed before: the purge removed the customer row only, leaving addresses (street, postcode)
    /// and the other child rows on every replica.
    @Test func aPurgeRemovesTheCustomersChildRowsAndTheirBytesEverywhere() throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock)
        defer { hub.remove(); north.remove() }
        let id = try deletedCustomerWithChildren(north)
        #expect(try Self.childRows(north.replica, of: id) == 6)
        try hub.replica.apply(try outbox(north.replica))
        try north.replica.setSyncState(["hubAcked": String(try north.replica.versionVector()[north.replica.rooftop].rawValue)])  // all sent
        clock.advance(by: 91 * Self.day)
        #expect(try hub.replica.compact(purgeExpiredTombstones: true).rowsPurged == 7)  // the customer and its six children, each with its own purge change
        try north.replica.apply(try hub.replica.changeset(origin: .hub, after: .zero, limit: 10))
        for replica in [hub.replica, north.replica] {
            for child in CRMSchema.children(of: "customer") {
                #expect(try replica.storedRowCount(child) == 0, "\(child.table) rows left behind")
            }
            _ = try replica.compact(purgeExpiredTombstones: false)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: replica.path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: replica.path + "-wal")) { bytes.append(wal) }
            #expect(bytes.range(of: Data("Quillfeather".utf8)) == nil, "the street is still in \(replica.rooftop)'s file")
        }
        #expect(try north.replica.digest() == hub.replica.digest())
        // A child insert naming the purged customer, arriving later, is ignored.
        let late = Changeset(schemaVersion: CRMSchema.version, origin: RooftopID(rawValue: "south")!, changes: [
            RowChange(table: "customerPhone", rowID: RowID.v7(milliseconds: clock.nowMilliseconds()), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0),
                      kind: .insert, fields: [FieldChange("customerId", .text(id.string)), FieldChange("number", .text("+15550100002"))]),
        ])
        try hub.replica.apply(late)
        #expect(try hub.replica.storedRowCount(CRMSchema.customerPhone) == 0)
    }

    /// Failed before: two compactions at once (the node's automatic one and `rooftop compact`)
    /// both purged the same rows, writing the purge set twice.
    @Test func twoCompactionsAtOnceWriteThePurgeSetOnce() async throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock)
        defer { hub.remove(); north.remove() }
        var ids: [RowID] = []
        for i in 0..<300 { ids.append(try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("C\(i)")]))) }
        clock.advance(by: Self.day)
        for id in ids { try north.replica.delete(CRMSchema.customer, id: id) }
        try hub.replica.apply(try outbox(north.replica))
        clock.advance(by: 91 * Self.day)
        let second = try Replica(path: hub.replica.path, rooftop: .hub, wallClock: clock)
        let results = await withTaskGroup(of: Result<Int, any Error>.self) { group in
            for replica in [hub.replica, second] {
                group.addTask { Result { try replica.compact(purgeExpiredTombstones: true).rowsPurged } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        var purged = 0
        for result in results {
            switch result {
            case .success(let count): purged += count
            case .failure(let error): #expect((error as? ReplicaError)?.code == .busy)
            }
        }
        #expect(purged == 300)
        #expect(try hub.replica.changeset(origin: .hub, after: .zero, limit: 10_000).changes.count == 300)
        #expect(try hub.replica.compact(purgeExpiredTombstones: true).rowsPurged == 0)
    }

    @Test func compactionReturnsFreedSpaceToTheFileSystem() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let notes = String(repeating: "service history ", count: 200)
        var ids: [RowID] = []
        for i in 0..<1_000 {
            ids.append(try hub.replica.createCustomer(CustomerInput(fields: ["lastName": .text("C\(i)"), "notes": .text(notes)])))
        }
        clock.advance(by: Self.day)
        for id in ids { try hub.replica.delete(CRMSchema.customer, id: id) }
        try hub.replica.checkpoint()
        let before = try FileManager.default.attributesOfItem(atPath: hub.replica.path)[.size] as! Int
        clock.advance(by: 91 * Self.day)
        let report = try hub.replica.compact(purgeExpiredTombstones: true)
        let after = try FileManager.default.attributesOfItem(atPath: hub.replica.path)[.size] as! Int
        #expect(report.rowsPurged == 1_000)
        #expect(report.bytesReturned > 0)
        #expect(after < before / 2, "the file did not shrink: \(before) → \(after) bytes")
    }

    /// Failed before: a purge arriving while this rooftop still had an unsent edit to the purged
    /// row dropped the edit without a word.
    @Test func aPurgeKeepsThisRooftopsUnsentEditsToThePurgedRowsInTheReviewQueue() throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { hub.remove(); north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")],
                                                                phones: [ChildInput(fields: ["number": .text("+15550100001")])]))
        try hub.replica.apply(try outbox(north.replica))
        try south.replica.apply(try outbox(north.replica))
        try south.replica.setSyncState(["hubAcked": "0"])
        clock.advance(by: Self.day)
        try north.replica.delete(CRMSchema.customer, id: id)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("offline edit")]))  // never sent
        try hub.replica.apply(try outbox(north.replica))
        clock.advance(by: 91 * Self.day)
        _ = try hub.replica.compact(purgeExpiredTombstones: true)
        for origin in [north.replica.rooftop, RooftopID.hub] {
            try south.replica.apply(try hub.replica.changeset(origin: origin, after: .zero, limit: 100))
        }
        #expect(try south.replica.storedState(CRMSchema.customer, id: id) == nil)
        let items = try south.replica.reviewItems()
        #expect(items.count == 1)
        #expect(items.first?.reason == "ROW_PURGED" && items.first?.fields["notes"] == .string("offline edit"))
        #expect(items.first?.customerId == id)
        // It cannot be applied to a row that no longer exists; discarding removes it.
        let error = try #require(throws: ReplicaError.self) { try south.replica.applyReviewItem(id: items[0].id) }
        #expect(error.code == .gone)
        #expect(try south.replica.reviewCount() == 1)
        try south.replica.discardReviewItem(id: items[0].id)
        #expect(try south.replica.reviewCount() == 0)
    }
}
