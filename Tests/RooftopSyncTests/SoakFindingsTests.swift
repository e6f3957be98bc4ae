import Foundation
import Logging
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import RooftopWire
import Testing

/// Failures the convergence soak found once it ran the real sync client and hub
/// (`scripts/soak`), each replayed here on its own. Each failed before its fix.
@Suite(.serialized) struct SoakFindingsTests {
    static let day: UInt64 = 86_400_000

    /// Seed 148: the hub ignored a pushed edit (its row had been purged) and the push's answer was
    /// lost; the rooftop then counted the edit as accepted and dropped it when the purge arrived.
    /// The hub now remembers what it ignored and `hello` names it until the rooftop has queued it.
    @Test func anEditTheHubIgnoredIsQueuedForReviewEvenWhenThePushAnswerWasLost() async throws {
        let clock = ManualWallClock()
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { hub.remove(); north.remove(); south.remove() }
        var quiet = Logger(label: "test.hub")
        quiet.logLevel = .critical
        let service = HubService(replica: hub.replica, logger: quiet)
        let northClient = SyncClient(replica: north.replica, transport: InProcessTransport(hub: service, caller: north.replica.rooftop, seed: 1))
        let southClient = SyncClient(replica: south.replica, transport: InProcessTransport(hub: service, caller: south.replica.rooftop, seed: 2))
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")],
                                                                phones: [ChildInput(fields: ["number": .text("+15550100001")])]))
        try await northClient.sync()
        try await southClient.sync()
        let phone = try #require(try north.replica.customer(id: id)?.phones.first?.id)
        // North edits the phone offline; south deletes the customer; north hears of the delete
        // (a pull whose push had failed) but its edit is still unsent.
        clock.advance(by: 1_000)
        try north.replica.updateCustomer(id: id, CustomerInput(phones: [ChildInput(id: phone, fields: ["number": .text("+15550100002")])]))
        try south.replica.delete(CRMSchema.customer, id: id)
        try await southClient.sync()
        try north.replica.apply(try hub.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1_000))
        // The hub purges the customer past the retention horizon.
        clock.advance(by: Int64(100 * Self.day))
        #expect(try hub.replica.compact(purgeExpiredTombstones: true).rowsPurged == 2)
        // North's push reaches the hub, which ignores the edit; the answer never comes back.
        let outbox = try north.replica.changeset(origin: north.replica.rooftop, after: try hub.replica.versionVector()[north.replica.rooftop], limit: 1_000)
        let edit = try #require(outbox.changes.last)
        let answer = try await service.push(north.replica.rooftop, frame: try ChangesetCodec.encode(outbox))
        #expect(answer.ignoredChanges == [edit.hlc.rawValue])
        // The next sync: the hub's hello names the ignored edit, which goes to north's review queue.
        let report = try await northClient.sync()
        #expect(report.queuedForReview == 1)
        #expect(try north.replica.reviewItems(limit: 10).map(\.hlc) == [edit.hlc.rawValue])
        #expect(try north.replica.customer(id: id) == nil)
        #expect(try await northClient.sync().queuedForReview == 0)  // once
        #expect(try north.replica.digest() == hub.replica.digest())
    }

    /// Seed 75: the first write after a clock that ran ahead was set right (a delete) re-stamped the
    /// unsent changes but then saved the row as read before, keeping the future stamps.
    @Test func aDeleteRightAfterTheClockIsSetRightLeavesTheRowAsItsHistoryFolds() async throws {
        let cluster = try await TestCluster()
        let northClock = ManualWallClock(milliseconds: cluster.clock.nowMilliseconds() + 3 * 365 * Self.day)
        let north = try cluster.replica("north", clock: northClock), south = try cluster.replica("south")
        let id = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Ahead")]))  // stamped three years ahead
        await #expect(throws: SyncError.self) { try await cluster.sync(north) }  // refused; the hub's clock is measured
        northClock.set(cluster.clock.nowMilliseconds())
        try north.delete(CRMSchema.customer, id: id)  // re-stamps the insert first
        #expect(try north.rowsDifferingFromTheirHistory().isEmpty)
        #expect(try north.currentHLC().milliseconds <= cluster.clock.nowMilliseconds() + 300_000)
        try await cluster.sync(north)
        try await cluster.sync(south)
        #expect(try north.digest() == south.digest())
        await cluster.shutdown()
    }
}
