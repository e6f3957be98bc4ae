import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing

/// The hub operator's `rooftop erasures` is current when a rooftop's sync ends: the sync that
/// applies an erasure also tells the hub so (a trial saw the rooftop listed as pending until its
/// next sync).
@Suite struct ErasureAcknowledgementTests {
    @Test func theSyncThatAppliesAnErasureAcknowledgesIt() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let id = try north.createCustomer(CustomerInput(fields: ["firstName": .text("Dana"), "lastName": .text("Holt")]))
        for replica in [north, south] { _ = try await cluster.sync(replica) }
        _ = try north.erase(customer: id)
        _ = try await cluster.sync(north)
        // One sync of south: it pulls and applies the erasure, and the hub knows.
        let report = try await cluster.sync(south)
        #expect(report.pulled >= 1)
        #expect(try south.customer(id: id) == nil)
        let record = try #require(try cluster.hubReplica.erasures().first { $0.customerId == id })
        #expect(record.acknowledgedBy.contains(RooftopID(rawValue: "south")!) && record.pending.isEmpty, "\(record)")
        // The next sync finds nothing left: the extra pull brought nothing twice.
        let idle = try await cluster.sync(south)
        #expect(idle.pulled == 0)
        await cluster.shutdown()
    }
}
