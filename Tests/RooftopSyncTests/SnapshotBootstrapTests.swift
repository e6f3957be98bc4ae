import AsyncHTTPClient
import Crypto
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import RooftopWire
import Testing

/// A new rooftop starts from the hub's snapshot (one zstd frame of its replica file), resumes an
/// interrupted download with `Range`, rejects a corrupted one, and never receives data erased
/// since the snapshot was made (`sync-protocol/sync-exchange.md#snapshot-bootstrap`).
@Suite(.serialized) struct SnapshotBootstrapTests {
    static let customers = 1_000  // 3,000 changes

    @Test func aNewRooftopAdoptsTheHubsSnapshotThenSyncsAsUsual() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let client = try cluster.client(for: south, snapshotThreshold: 1)
        let report = try await client.sync()
        #expect(report.snapshotBytes > 0 && report.pulled == 3_000)
        #expect(try south.digest() == cluster.hubReplica.digest())
        #expect(try south.versionVector() == cluster.hubReplica.versionVector())
        #expect(try Replica.owner(ofReplicaAt: south.path) == RooftopID(rawValue: "south"))
        // It is an ordinary rooftop now: its writes reach the hub and other rooftops, and the
        // next sync downloads no snapshot.
        let id = try south.createCustomer(CustomerInput(fields: ["firstName": .text("Ana"), "lastName": .text("Snapshot")]))
        let second = try await client.sync()
        #expect(second.pushed == 1 && second.snapshotBytes == 0)
        try await client.shutdown()
        let north = try cluster.replica("north")
        try await cluster.sync(north)
        #expect(try north.customer(id: id)?.customer.values["lastName"] == .text("Snapshot"))
        // Reopened from its file (another process would), it is the same replica.
        let reopened = try Replica(path: south.path, rooftop: RooftopID(rawValue: "south")!, wallClock: cluster.clock)
        #expect(try reopened.digest() == cluster.hubReplica.digest())
        for suffix in [".snapshot.part", ".snapshot.etag", ".snapshot.sqlite"] {
            #expect(!FileManager.default.fileExists(atPath: south.path + suffix), "\(suffix) left behind")
        }
        await cluster.shutdown()
    }

    /// Alone with its file, a replica renames the copy over it; while another open replica (here a
    /// second `Replica` on the same file, as a CLI command in another process would hold it) has the
    /// file, it copies the pages in under SQLite's locks instead, and both replicas see the result.
    @Test func theCopyIsRenamedIntoPlaceOnlyWhenNothingElseHasTheFileOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualWallClock(milliseconds: 1_790_000_000_000)
        let hub = try Replica(path: directory.path("hub.sqlite"), rooftop: RooftopID(rawValue: "hub")!, wallClock: clock)
        let north = try Replica(path: directory.path("north.sqlite"), rooftop: RooftopID(rawValue: "north")!, wallClock: clock)
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Copied")]))
        try hub.apply(try north.changeset(origin: north.rooftop, after: .zero, limit: 100))
        for (name, otherOpen) in [("alone", false), ("shared", true)] {
            let path = directory.path("\(name).sqlite")
            let south = try Replica(path: path, rooftop: RooftopID(rawValue: "south")!, wallClock: clock)
            let other = otherOpen ? try Replica(path: path, rooftop: RooftopID(rawValue: "south")!, wallClock: clock) : nil
            _ = try hub.writeSnapshot(to: directory.path("\(name)-copy.sqlite"))
            let adoption = try south.adoptSnapshot(at: directory.path("\(name)-copy.sqlite"))
            #expect(adoption.renamed == !otherOpen, "\(name)")
            #expect(adoption.changes == (try north.changeCount(origin: north.rooftop, after: .zero)) && adoption.changes > 0)
            #expect(try south.digest() == hub.digest(), "\(name)")
            if let other { #expect(try other.digest() == hub.digest()) }
            #expect(!FileManager.default.fileExists(atPath: directory.path("\(name)-copy.sqlite")))
        }
    }

    /// A hub whose file an earlier release made (4 KiB pages; new files get 16 KiB) still hands a
    /// snapshot to a rooftop whose file is held open elsewhere: SQLite's backup API cannot copy
    /// into a WAL file of another page size, so the copy is rebuilt with the rooftop's first.
    @Test func aSnapshotWithAnotherPageSizeIsCopiedInWhileTheFileIsShared() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualWallClock(milliseconds: 1_790_000_000_000)
        let hubPath = directory.path("hub.sqlite")
        let old = try DatabaseQueue(path: hubPath)
        try old.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE pageSizeFixed (x); DROP TABLE pageSizeFixed")
        }
        try old.close()
        let hub = try Replica(path: hubPath, rooftop: RooftopID(rawValue: "hub")!, wallClock: clock)
        let north = try Replica(path: directory.path("north.sqlite"), rooftop: RooftopID(rawValue: "north")!, wallClock: clock)
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Paged")]))
        try hub.apply(try north.changeset(origin: north.rooftop, after: .zero, limit: 100))
        let south = try Replica(path: directory.path("south.sqlite"), rooftop: RooftopID(rawValue: "south")!, wallClock: clock)
        let other = try Replica(path: south.path, rooftop: RooftopID(rawValue: "south")!, wallClock: clock)
        func pageSize(_ path: String) throws -> Int {
            try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") ?? 0 }
        }
        #expect(try pageSize(hubPath) == 4096 && pageSize(south.path) == 16384)
        _ = try hub.writeSnapshot(to: directory.path("copy.sqlite"))
        let adoption = try south.adoptSnapshot(at: directory.path("copy.sqlite"))
        #expect(!adoption.renamed)
        #expect(try south.digest() == hub.digest())
        #expect(try other.digest() == hub.digest())
        #expect(try south.searchCustomers("Paged").count == 1)
    }

    /// A rooftop that wrote before its first sync is not empty: it never adopts a snapshot (that
    /// would drop its write); it pulls changesets and pushes its write.
    @Test func aReplicaWithALocalWriteRefusesTheSnapshotAndKeepsTheWrite() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let id = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Offline")]))
        let copy = cluster.directory.path("hub-copy.sqlite")
        _ = try cluster.hubReplica.writeSnapshot(to: copy)
        let refused = try #require(throws: ReplicaError.self) { try south.adoptSnapshot(at: copy) }
        #expect(refused.code == .invalid)
        #expect(try south.customer(id: id) != nil && south.changeCount(origin: south.rooftop, after: .zero) == 1)
        let client = try cluster.client(for: south, snapshotThreshold: 1)
        let report = try await client.sync()
        try await client.shutdown()
        #expect(report.snapshotBytes == 0 && report.pushed == 1 && report.pulled == 3_000)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    @Test func belowTheThresholdTheRooftopPullsChangesets() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let client = try cluster.client(for: south, snapshotThreshold: 3_001)
        let report = try await client.sync()
        try await client.shutdown()
        #expect(report.snapshotBytes == 0 && report.pulled == 3_000)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    @Test func anInterruptedDownloadResumesWithTheRestOnly() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let client = try cluster.client(for: south, snapshotThreshold: 1)
        let partial = try #require(try await client.downloadSnapshot(minimumChanges: 1, stoppingAfter: 100_000))
        #expect(!partial.complete && partial.receivedBytes >= 100_000 && partial.totalBytes > partial.receivedBytes)
        let report = try await client.sync()
        try await client.shutdown()
        #expect(report.snapshotResumedBytes == partial.receivedBytes)
        #expect(report.snapshotResumedBytes + report.snapshotBytes == partial.totalBytes)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    /// Killed after the download completed but before the adoption: the next sync adopts what is on disk.
    @Test func aCompleteDownloadNotYetAdoptedIsNotDownloadedAgain() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let client = try cluster.client(for: south, snapshotThreshold: 1)
        let download = try #require(try await client.downloadSnapshot(minimumChanges: 1))
        #expect(download.complete)
        let report = try await client.sync()
        try await client.shutdown()
        #expect(report.snapshotBytes == 0 && report.snapshotResumedBytes == download.totalBytes && report.pulled == 3_000)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    @Test func aCorruptedDownloadIsRejectedAndTheReplicaStaysEmpty() async throws {
        let (cluster, south) = try await Self.seededHubAndNewRooftop()
        let client = try cluster.client(for: south, snapshotThreshold: 1)
        _ = try await client.downloadSnapshot(minimumChanges: 1, stoppingAfter: 50_000)
        let part = URL(fileURLWithPath: south.path + ".snapshot.part")
        var bytes = try [UInt8](Data(contentsOf: part))
        bytes[40_000] ^= 0xFF  // damaged on disk
        try Data(bytes).write(to: part)
        await #expect(throws: SyncError.self) { try await client.sync() }
        #expect(try south.isEmpty())
        #expect(!FileManager.default.fileExists(atPath: part.path))
        let report = try await client.sync()  // downloads it whole
        try await client.shutdown()
        #expect(report.snapshotResumedBytes == 0 && report.snapshotBytes > 0)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    @Test func aSnapshotNeverHoldsACustomerErasedAfterItWasMade() async throws {
        let cluster = try await TestCluster(rooftops: ["north", "south", "east", "west"])
        let north = try cluster.replica("north")
        let email = "erase.me@example.com"
        let id = try north.createCustomer(CustomerInput(fields: ["firstName": .text("Erin"), "lastName": .text("Erased"), "email": .text(email)]))
        try await BootstrapTests.seedHub(cluster, customers: Self.customers)
        let before = try await Self.snapshotText(cluster, for: "east")
        #expect(before.contains(email))  // the check below can fail
        try north.erase(customer: id)
        try await cluster.sync(north)
        let after = try await Self.snapshotText(cluster, for: "west")
        #expect(!after.contains(email))
        await cluster.shutdown()
    }

    @Test func theSnapshotEndpointAnswersRangesAndProblems() async throws {
        let cluster = try await TestCluster()
        try await BootstrapTests.seedHub(cluster, customers: Self.customers)
        let http = try HubAndRooftopsTests.http(cluster, certificate: "south")
        let base = "snapshot?layout=\(Replica.storageLayout)"
        let whole = try await Self.get(http, cluster, base)
        #expect(whole.status == .ok && whole.headers.first(name: "Content-Type") == SyncProtocol.snapshotMediaType)
        let etag = try #require(whole.headers.first(name: "ETag"))
        #expect(etag == "\"" + SHA256.hash(data: whole.body).map { String(format: "%02x", $0) }.joined() + "\"")
        #expect(try Zstd.decompressFrame(whole.body, limit: 1 << 30).starts(with: Array("SQLite format 3".utf8)))
        let tail = try await Self.get(http, cluster, base, headers: ["Range": "bytes=1000-", "If-Range": etag])
        #expect(tail.status == .partialContent && Array(whole.body[1000...]) == tail.body)
        #expect(tail.headers.first(name: "Content-Range") == "bytes 1000-\(whole.body.count - 1)/\(whole.body.count)")
        let stale = try await Self.get(http, cluster, base, headers: ["Range": "bytes=1000-", "If-Range": "\"0000\""])
        #expect(stale.status == .ok && stale.body == whole.body)
        let beyond = try await Self.get(http, cluster, base, headers: ["Range": "bytes=\(whole.body.count)-"])
        #expect(beyond.status == .rangeNotSatisfiable && beyond.headers.first(name: "Content-Type") == "application/problem+json")
        let fewer = try await Self.get(http, cluster, base + "&minChanges=3001")
        #expect(fewer.status == .noContent)
        let otherLayout = try await Self.get(http, cluster, "snapshot?layout=v99-future")
        #expect(otherLayout.status == .conflict && String(decoding: otherLayout.body, as: UTF8.self).contains("LAYOUT_MISMATCH"))
        let noLayout = try await Self.get(http, cluster, "snapshot")
        #expect(noLayout.status == .badRequest && noLayout.headers.first(name: "Content-Type") == "application/problem+json")
        let badCount = try await Self.get(http, cluster, base + "&minChanges=-1")
        #expect(badCount.status == .badRequest)
        try await http.shutdown()
        await cluster.shutdown()
    }

    /// `rooftop sync` on a new rooftop whose snapshot download was interrupted: it keeps the bytes
    /// on disk, downloads the rest, and says so.
    @Test func theCommandLineResumesAnInterruptedSnapshotDownload() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: BootstrapTests.binary), "build the rooftop executable first (scripts/test does)")
        let cluster = try await TestCluster(clock: ManualWallClock(milliseconds: SystemWallClock().nowMilliseconds()))
        try await BootstrapTests.seedHub(cluster, customers: SyncClient.defaultSnapshotThreshold / 3 + 1)
        let data = cluster.directory.url.appendingPathComponent("south-node")
        try NodeConfiguration(rooftop: RooftopID(rawValue: "south")!, hubURL: cluster.hubURL.absoluteString,
                              certificates: cluster.ca.directory.path).save(to: data)
        let path = data.appendingPathComponent(NodeConfiguration.replicaFileName).path
        do {  // the first download, interrupted after 200,000 bytes
            let south = try Replica(path: path, rooftop: RooftopID(rawValue: "south")!, wallClock: cluster.clock)
            let client = try cluster.client(for: south)
            let partial = try #require(try await client.downloadSnapshot(minimumChanges: 1, stoppingAfter: 200_000))
            try await client.shutdown()
            #expect(!partial.complete)
        }
        let kept = try #require(try FileManager.default.attributesOfItem(atPath: path + ".snapshot.part")[.size] as? NSNumber).intValue
        let process = try ChildProcess.spawn(BootstrapTests.binary, ["sync", "--data", data.path], standardOutput: .pipe)
        let text = String(decoding: try #require(process.standardOutput).readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("started from the hub's snapshot") && text.contains("resumed: \(kept) bytes kept"), "\(text)")
        let south = try Replica(path: path, rooftop: RooftopID(rawValue: "south")!, wallClock: cluster.clock)
        #expect(try south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    // MARK: - helpers

    /// A cluster whose hub holds ``customers`` customers (3 changes each) and an empty `south` replica.
    static func seededHubAndNewRooftop() async throws -> (TestCluster, Replica) {
        let cluster = try await TestCluster()
        try await BootstrapTests.seedHub(cluster, customers: customers)
        return (cluster, try cluster.replica("south"))
    }

    /// The hub's current snapshot as seen by a new rooftop `rooftop`, decompressed, as Latin-1 text.
    static func snapshotText(_ cluster: TestCluster, for rooftop: String) async throws -> String {
        let replica = try cluster.replica(rooftop)
        let client = try cluster.client(for: replica, snapshotThreshold: 1)
        let download = try await client.downloadSnapshot(minimumChanges: 1)
        try await client.shutdown()
        #expect(download?.complete == true)
        let plain = URL(fileURLWithPath: replica.path + ".plain")
        try Zstd.decompressFile(at: URL(fileURLWithPath: replica.path + ".snapshot.part"), to: plain, limit: 1 << 30)
        return String(decoding: try Data(contentsOf: plain).map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
    }

    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    static func get(_ http: HTTPClient, _ cluster: TestCluster, _ path: String, headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: cluster.hubURL.absoluteString + "/sync/v1/" + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(30))
        return Answer(status: response.status, headers: response.headers, body: Array(buffer: try await response.body.collect(upTo: 1 << 28)))
    }
}
