import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
@testable import RooftopSync
import RooftopTesting
import RooftopWire
import Testing

/// Issue 9, item 8: ordinary data never wedges sync. Before frames were bounded by their
/// decompressed size, 3,500 maximal `notes` edits made one frame of about 70 MB of payload: the
/// hub refused the offline push (`TOO_LARGE`) and every other rooftop's pull failed forever.
@Suite(.serialized) struct FrameBoundSyncTests {
    /// `count` edits of `customer`'s notes, each just under the 20,000-character limit and each
    /// different; highly compressible, as real notes are (a compressed frame stays small).
    static func editNotes(_ replica: Replica, customer: RowID, count: Int, tag: String, clock: ManualWallClock) throws {
        let body = String(repeating: "Customer called about the service plan; follow up next week. ", count: 330)  // 20,130 characters
        for i in 0..<count {
            let notes = String("\(tag) edit \(i): \(body)".prefix(19_990))
            try replica.updateCustomer(id: customer, CustomerInput(fields: ["notes": .text(notes)]))
            if i % 100 == 0 { clock.advance(by: 1) }
        }
    }

    @Test func thousandsOfMaximalNotesEditsSyncBothWaysThroughTheHub() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let ana = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Example")]))
        let bea = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Demo")]))
        try await cluster.sync(north, snapshotThreshold: nil)
        try await cluster.sync(south, snapshotThreshold: nil)
        try await cluster.sync(north, snapshotThreshold: nil)

        // Both rooftops edit offline: 3,500 maximal notes each, about 70 MB of payload each.
        try Self.editNotes(north, customer: ana, count: 3_500, tag: "north", clock: cluster.clock)
        try Self.editNotes(south, customer: bea, count: 3_500, tag: "south", clock: cluster.clock)
        cluster.clock.advance(by: 1_000)

        let northPush = try await cluster.sync(north, snapshotThreshold: nil)  // the offline push
        #expect(northPush.pushed >= 3_500)
        let southBoth = try await cluster.sync(south, snapshotThreshold: nil)  // push its own, pull north's
        #expect(southBoth.pulled >= 3_500)
        let northPull = try await cluster.sync(north, snapshotThreshold: nil)  // pull south's
        #expect(northPull.pulled >= 3_500)

        #expect(try SyncStatus.read(north).pendingChanges == 0 && SyncStatus.read(south).pendingChanges == 0)
        let digests = try [north.digest(), south.digest(), cluster.hubReplica.digest()]
        #expect(digests[0] == digests[1] && digests[1] == digests[2])
        let notes = try #require(try south.customer(id: ana)).customer["notes"]
        if case .text(let text) = notes { #expect(text.hasPrefix("north edit 3499:")) } else { Issue.record("notes are \(notes)") }
        await cluster.shutdown()
    }

    /// Every frame the hub writes for a pull, and every frame a rooftop pushes, is within the bound.
    @Test func pullFramesAreBoundedByTheirDecompressedSize() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let ana = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Example")]))
        try Self.editNotes(north, customer: ana, count: 1_000, tag: "north", clock: cluster.clock)
        try await cluster.sync(north, snapshotThreshold: nil)
        let (frames, more, _, _) = try await cluster.hubReplica.perform { hub in
            try HubRoutes.framesForPull(replica: hub, caller: RooftopID(rawValue: "south")!, seen: VersionVector(), budget: 100_000)
        }
        #expect(!more)
        #expect(frames.count >= 3)  // 1,001 changes of 20 KB: 20 MB in frames of at most 8 MiB
        var total = 0
        for frame in frames {
            let payload = try Zstd.decompressFrame(frame, limit: ChangesetCodec.defaultPayloadLimit)
            #expect(payload.count <= ChangesetCodec.maxFramePayloadBytes)
            total += try ChangesetCodec.decode(frame).changes.count
        }
        #expect(total == 1_001)
        await cluster.shutdown()
    }
}
