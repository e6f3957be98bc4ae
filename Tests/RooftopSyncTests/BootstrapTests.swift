import Foundation
import RooftopCRM
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Synchronization
import Testing

/// A new rooftop bootstraps from the hub by pulling in pages (one transaction per changeset);
/// killed part-way, it keeps what it committed and resumes from there to a replica identical to
/// the hub's.
@Suite(.serialized) struct BootstrapTests {
    static var binary: String { Fixtures.rooftopExecutable }

    static func seedHub(_ cluster: TestCluster, customers: Int) async throws {
        let north = try cluster.replica("north")
        var generator = SyntheticCustomers(seed: 3)
        var writes: [LocalWrite] = []
        for i in 0..<customers { writes += try CRMService(replica: north).customerCreationWrites(generator.customer(index: i), id: north.newRowID()) }
        try north.write(writes)
        try await cluster.sync(north)
    }

    @Test func aNewRooftopBootstrapsInPagesAndReportsProgress() async throws {
        let cluster = try await TestCluster()
        try await Self.seedHub(cluster, customers: 2_500)
        let south = try cluster.replica("south")
        let seen = Mutex<[SyncProgress]>([])
        let client = try cluster.client(for: south)
        let report = try await client.sync { progress in seen.withLock { $0.append(progress) } }
        try await client.shutdown()
        #expect(report.pulled == 7_500)
        let steps = seen.withLock { $0 }
        #expect(steps.count == 2)  // two changesets of at most 5,000 changes
        #expect(steps.map(\.fraction) == steps.map(\.fraction).sorted())
        #expect(steps.last == SyncProgress(pulled: 7_500, remaining: 0))
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    /// Many small pages: each next page is fetched while the previous one is applied.
    @Test func aPipelinedPullOverManyPagesGetsEverythingOnce() async throws {
        let cluster = try await TestCluster()
        try await Self.seedHub(cluster, customers: 2_500)
        let south = try cluster.replica("south")
        let seen = Mutex<[SyncProgress]>([])
        let client = try cluster.client(for: south, pageSize: 700)
        let report = try await client.sync { progress in seen.withLock { $0.append(progress) } }
        try await client.shutdown()
        #expect(report.pulled == 7_500 && report.applied == 7_500)
        let steps = seen.withLock { $0 }
        #expect(steps.count == 11)  // ten pages of 700, one of 500
        #expect(steps.map(\.pulled) == steps.map(\.pulled).sorted() && steps.last == SyncProgress(pulled: 7_500, remaining: 0))
        #expect(try south.digest() == cluster.hubReplica.digest())
        #expect(try south.versionVector() == cluster.hubReplica.versionVector())
        await cluster.shutdown()
    }

    @Test func aBootstrapKilledPartWayResumesToTheHubsContent() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the rooftop executable first (scripts/test does)")
        // The rooftop process runs on the real clock: so does this cluster.
        let cluster = try await TestCluster(clock: ManualWallClock(milliseconds: SystemWallClock().nowMilliseconds()))
        try await Self.seedHub(cluster, customers: 4_000)  // 12,000 changes: three changesets
        // Killed part way: on an idle machine the whole sync can end before the kill, so each try
        // that finished starts afresh and is killed sooner.
        var data = cluster.directory.url, delay = 1_500, killed = false
        for attempt in 0..<5 where !killed {
            data = cluster.directory.url.appendingPathComponent("south-node-\(attempt)")
            try NodeConfiguration(rooftop: RooftopID(rawValue: "south")!, hubURL: cluster.hubURL.absoluteString,
                                  certificates: cluster.ca.directory.path).save(to: data)
            let process = try ChildProcess.spawn(Self.binary, ["sync", "--data", data.path])
            try await Task.sleep(for: .milliseconds(delay))
            kill(process.processIdentifier, SIGKILL)
            killed = process.waitUntilExit() == .signalled(SIGKILL)
            delay /= 2
        }
        #expect(killed, "every sync finished before it was killed; nothing was tested")
        let south = try Replica(path: data.appendingPathComponent(NodeConfiguration.replicaFileName).path, rooftop: RooftopID(rawValue: "south")!,
                                wallClock: cluster.clock)
        let kept = try south.changeCount(origin: RooftopID(rawValue: "north")!, after: .zero)
        #expect(kept % 5_000 == 0 || kept == 12_000, "only whole changesets are kept (\(kept))")
        let report = try await cluster.sync(south)
        #expect(report.pulled == 12_000 - kept)  // nothing committed is downloaded again
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }
}
