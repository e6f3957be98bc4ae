import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// A rooftop whose clock runs far ahead (`sync-protocol/hlc.md#a-clock-far-ahead`). Before this
/// release, each of these failed: the refused push stopped the sync before the pull, a pull
/// persisted the far-future HLC, and after the clock was fixed every new edit was stamped in the
/// future and refused until that date.
@Suite(.serialized) struct ClockRecoveryTests {
    static let threeYears: UInt64 = 3 * 365 * 86_400_000

    @Test func aRefusedPushNeverBlocksThePullAndAPullPersistsNoFutureHLC() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north", clock: ManualWallClock(milliseconds: cluster.clock.nowMilliseconds() + Self.threeYears))
        let south = try cluster.replica("south")
        let fromSouth = try south.createCustomer(CustomerInput(fields: ["lastName": .text("South")]))
        try await cluster.sync(south)
        // Pull only (nothing of its own): the HLC stays what the hub's changes make it.
        try await cluster.sync(north)
        #expect(try north.customer(id: fromSouth) != nil)
        #expect(try north.currentHLC().milliseconds <= cluster.clock.nowMilliseconds() + 300_000)
        // With a change of its own stamped three years ahead: the push is refused, the pull still runs.
        // (This computer had not measured the hub's clock in this boot: the write was allowed.)
        try north.setSyncState(["hubClock": nil])
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Ahead")]))
        cluster.clock.advance(by: 1_000)
        let later = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Later")]))
        try await cluster.sync(south)
        let error = try await #require(throws: SyncError.self) { try await cluster.sync(north) }
        #expect(error.reasonCode == "CLOCK_SKEW")
        #expect(error.hubAnswered)
        #expect(error.message.contains("this computer's clock reads"))
        #expect(!error.description.contains("CLOCK_SKEW: CLOCK_SKEW"))
        #expect(try north.customer(id: later) != nil)  // pulled although the push was refused
        let status = try SyncStatus.read(north)
        #expect(status.pendingChanges == 1 && status.lastErrorCode == "CLOCK_SKEW")
        await cluster.shutdown()
    }

    @Test func whileTheClockIsFarAheadLocalWritesAreRefusedThenTheRooftopRecoversWithoutLosingAnEdit() async throws {
        let cluster = try await TestCluster()
        let northClock = ManualWallClock(milliseconds: cluster.clock.nowMilliseconds())
        let north = try cluster.replica("north", clock: northClock), south = try cluster.replica("south")
        let ana = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Ana")]))
        try await cluster.sync(north)  // measures the hub's clock
        try await cluster.sync(south)
        // Someone sets north's clock three years ahead (the monotonic clock does not move).
        northClock.set(cluster.clock.nowMilliseconds() + Self.threeYears)
        let refused = try #require(throws: ReplicaError.self) { try north.updateCustomer(id: ana, CustomerInput(fields: ["notes": .text("x")])) }
        #expect(refused.code == .clockSkew)
        #expect(refused.message.contains("ahead of the hub's"))
        #expect(try north.clockLead()! > 300_000)
        // The clock is set right: writes are accepted again, stamped now.
        northClock.set(cluster.clock.nowMilliseconds())
        try north.updateCustomer(id: ana, CustomerInput(fields: ["notes": .text("after the fix")]))
        #expect(try north.currentHLC().milliseconds <= cluster.clock.nowMilliseconds() + 300_000)
        #expect(try await cluster.sync(north).pushed == 1)
        try await cluster.sync(south)
        #expect(try south.customer(id: ana)?.customer["notes"] == .text("after the fix"))
        #expect(try north.digest() == south.digest())
        await cluster.shutdown()
    }

    @Test func editsStampedInTheFutureAreReStampedOnceTheClockIsRightAndDeliveredExactlyOnce() async throws {
        let cluster = try await TestCluster()
        let northClock = ManualWallClock(milliseconds: cluster.clock.nowMilliseconds() + Self.threeYears)  // wrong since boot
        let north = try cluster.replica("north", clock: northClock), south = try cluster.replica("south")
        let shared = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Shared"), "notes": .text("south")]))
        try await cluster.sync(south)
        try await cluster.sync(north)
        try north.setSyncState(["hubClock": nil])  // as after a reboot: no measurement of the hub's clock
        let ana = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Ana")], phones: [ChildInput(fields: ["number": .text("+15550100001")])]))
        try north.updateCustomer(id: shared, CustomerInput(fields: ["occupation": .text("Chef")]))
        try north.delete(CRMSchema.customer, id: shared)
        await #expect(throws: SyncError.self) { try await cluster.sync(north) }
        #expect(try SyncStatus.read(north).pendingChanges == 4)
        // The clock is fixed; the next sync re-stamps the four unsent changes and sends them.
        northClock.set(cluster.clock.nowMilliseconds())
        let report = try await cluster.sync(north)
        #expect(report.restamped == 4 && report.pushed == 4)
        #expect(try SyncStatus.read(north).lastError == nil)
        #expect(try cluster.hubReplica.changeset(origin: north.rooftop, after: .zero, limit: 100).changes.count == 4)
        #expect(try await cluster.sync(north).pushed == 0)
        try await cluster.sync(south)
        let customer = try #require(try south.customer(id: ana)).customer
        #expect(customer["createdAt"].textValue?.hasPrefix(String(Timestamp.string(milliseconds: cluster.clock.nowMilliseconds()).prefix(10))) == true)
        #expect(try south.customer(id: shared) == nil)  // the re-stamped delete still knows what it knew: no conflict
        #expect(try south.conflicts().isEmpty)
        #expect(try north.digest() == south.digest() && south.digest() == cluster.hubReplica.digest())
        #expect(try north.rowsDifferingFromTheirHistory().isEmpty)
        await cluster.shutdown()
    }
}
