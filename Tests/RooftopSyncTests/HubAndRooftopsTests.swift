import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import NIOSSL
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import RooftopWire
import Testing
import RooftopHTTP

/// End to end: a real hub on loopback over mutual TLS and two rooftop replicas.
@Suite(.serialized) struct HubAndRooftopsTests {
    @Test func rooftopsEditingOfflineConvergeThroughTheHub() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let ana = try north.createCustomer(CustomerInput(fields: ["firstName": .text("Ana"), "lastName": .text("Example")]))
        try south.createCustomer(CustomerInput(fields: ["lastName": .text("Demo")], phones: [ChildInput(fields: ["number": .text("+15550100102")])]))
        try await cluster.sync(north)
        try await cluster.sync(south)
        try await cluster.sync(north)
        #expect(try north.customerCount() == 2 && south.customerCount() == 2)

        // Both edit the same customer while "offline": different fields and one same field.
        cluster.clock.advance(by: 1_000)
        try north.updateCustomer(id: ana, CustomerInput(fields: ["email": .text("ana@example.com"), "notes": .text("north")]))
        cluster.clock.advance(by: 1_000)
        try south.updateCustomer(id: ana, CustomerInput(fields: ["occupation": .text("Chef"), "notes": .text("south")]))
        try south.addInteraction(["customerId": .text(ana.string), "type": .text("Call"), "direction": .text("Outbound")])
        try await cluster.sync(south)
        try await cluster.sync(north)
        try await cluster.sync(south)

        let digests = try [north.digest(), south.digest(), cluster.hubReplica.digest()]
        #expect(digests[0] == digests[1] && digests[1] == digests[2])
        let merged = try #require(try north.customer(id: ana)).customer
        #expect(merged["email"] == .text("ana@example.com"))
        #expect(merged["occupation"] == .text("Chef"))
        #expect(merged["notes"] == .text("south"))
        #expect(try SyncStatus.read(north).pendingChanges == 0)
        await cluster.shutdown()
    }

    @Test func pushIsIdempotentWhenTheAckIsLost() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        let frame = try ChangesetCodec.encode(try north.changeset(origin: north.rooftop, after: .zero, limit: 100))
        let http = try Self.http(cluster, certificate: "north")
        let first = try await Self.post(http, cluster, "changesets", frame)
        let digest = try cluster.hubReplica.digest()
        let again = try await Self.post(http, cluster, "changesets", frame)  // the client never saw the first ack
        #expect(first.status == .ok && again.status == .ok)
        let result = try JSONDecoder().decode(PushResult.self, from: Data(again.body))
        #expect(result.applied == 0 && result.alreadyApplied == 1)
        #expect(try cluster.hubReplica.digest() == digest)
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func hubRefusesAChangeWhoseOriginIsNotTheCertificatesRooftop() async throws {
        let cluster = try await TestCluster()
        let south = try cluster.replica("south")
        try south.createCustomer(CustomerInput(fields: ["lastName": .text("Forged")]))
        let frame = try ChangesetCodec.encode(try south.changeset(origin: south.rooftop, after: .zero, limit: 100))
        let digest = try cluster.hubReplica.digest()
        let http = try Self.http(cluster, certificate: "north")  // north's certificate, south's changes
        let answer = try await Self.post(http, cluster, "changesets", frame)
        #expect(answer.status == .forbidden)
        #expect(answer.contentType == ProblemDetails.mediaType)
        #expect(try JSONDecoder().decode(ProblemDetails.self, from: Data(answer.body)).code == "ORIGIN_MISMATCH")
        #expect(try cluster.hubReplica.digest() == digest)
        #expect(try cluster.hubReplica.versionVector() == VersionVector())
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func hubRefusesClientsWithoutACertificateOrWithAnotherCAsCertificate() async throws {
        let cluster = try await TestCluster()
        var anonymous = TLSConfiguration.makeClientConfiguration()
        anonymous.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cluster.ca.caCertificatePath.path))
        let foreignCA = GroupCA(directory: cluster.directory.url.appendingPathComponent("foreign"))
        try foreignCA.initialize(groupName: "Other Group")
        try foreignCA.issueRooftop(RooftopID(rawValue: "north")!)
        var foreign = try TLSSettings.rooftop("north", ca: foreignCA)
        foreign.trustRoots = anonymous.trustRoots
        for tls in [anonymous, foreign] {
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            var request = HTTPClientRequest(url: cluster.hubURL.absoluteString + "/sync/v1/hello")
            request.method = .GET
            await #expect(throws: (any Error).self) {
                let response = try await http.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
            }
            try await http.shutdown()
        }
        await cluster.shutdown()
    }

    @Test func changesetFromARooftopWhoseClockRunsAheadIsRefusedWithClockSkewAndKept() async throws {
        let cluster = try await TestCluster()
        let fastClock = ManualWallClock(milliseconds: cluster.clock.nowMilliseconds() + 10 * 60_000)
        let north = try cluster.replica("north", clock: fastClock)
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Ahead")]))
        let hubHLC = try cluster.hubReplica.currentHLC(), digest = try cluster.hubReplica.digest()
        let client = try cluster.client(for: north)
        let error = try await #require(throws: SyncError.self) { try await client.sync() }
        try await client.shutdown()
        #expect(error.reasonCode == "CLOCK_SKEW")
        #expect(error.problem?.offsetMs == 600_000)
        #expect(try cluster.hubReplica.digest() == digest)
        #expect(try cluster.hubReplica.currentHLC() == hubHLC)
        let status = try SyncStatus.read(north)
        #expect(status.pendingChanges == 1)
        #expect(status.lastErrorCode == "CLOCK_SKEW")
        await cluster.shutdown()
    }

    @Test func syncWithTheHubDownFailsWithHubUnreachableAndKeepsTheOutbox() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Offline")]))
        await cluster.stopHub()
        let client = SyncClient(replica: north, hub: cluster.hubURL, tls: try TLSSettings.rooftop("north", ca: cluster.ca), connectTimeout: .seconds(2))
        let error = try await #require(throws: SyncError.self) { try await client.sync() }
        try await client.shutdown()
        #expect(error.code == .hubUnreachable)
        let status = try SyncStatus.read(north)
        #expect(status.pendingChanges == 1)
        #expect(status.lastSyncAt == nil)
        #expect(status.lastErrorCode == "HUB_UNREACHABLE")
        await cluster.shutdown()
    }

    @Test func aRebuiltRooftopRecoversItsOwnHistoryBeforeWritingAgain() async throws {
        let cluster = try await TestCluster()
        let old = try cluster.replica("north")
        let ana = try old.createCustomer(CustomerInput(fields: ["lastName": .text("Example")]))
        try await cluster.sync(old)
        // The showroom PC dies; a new one starts an empty replica as north.
        let rebuilt = try Replica(path: cluster.directory.path("north-rebuilt.sqlite"), rooftop: RooftopID(rawValue: "north")!,
                                  wallClock: cluster.clock)
        let report = try await cluster.sync(rebuilt)
        #expect(report.applied > 0)
        #expect(try rebuilt.customer(id: ana) != nil)
        try rebuilt.updateCustomer(id: ana, CustomerInput(fields: ["notes": .text("after rebuild")]))
        #expect(try await cluster.sync(rebuilt).pushed == 1)
        #expect(try rebuilt.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    @Test func twoNodesRunningAsOneRooftopAreRefusedLoudlyAndNothingIsLost() async throws {
        let cluster = try await TestCluster()
        let first = try cluster.replica("north")
        try first.createCustomer(CustomerInput(fields: ["lastName": .text("First")]))
        let second = try Replica(path: cluster.directory.path("north-twin.sqlite"), rooftop: RooftopID(rawValue: "north")!,
                                 wallClock: cluster.clock)
        try await cluster.sync(second)  // empty: recovers nothing yet, pushes nothing
        cluster.clock.advance(by: 10)
        try second.createCustomer(CustomerInput(fields: ["lastName": .text("Second")]))
        try await cluster.sync(second)
        let client = try cluster.client(for: first)
        let error = try await #require(throws: SyncError.self) { try await client.sync() }
        try await client.shutdown()
        #expect(error.code == .ownHistoryMissing)
        #expect(try SyncStatus.read(first).pendingChanges == 1)  // kept, not sent, not lost
        await cluster.shutdown()
    }

    @Test func aDeleteAndAConcurrentEditConvergeThroughTheHubWithTheEditInEveryConflictLog() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let id = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try await cluster.sync(north)
        try await cluster.sync(south)
        cluster.clock.advance(by: 100)
        try south.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("offline edit")]))
        try north.delete(CRMSchema.customer, id: id)
        try await cluster.sync(north)
        try await cluster.sync(south)
        try await cluster.sync(north)
        #expect(try north.digest() == south.digest() && south.digest() == cluster.hubReplica.digest())
        #expect(try south.customer(id: id) == nil)
        for replica in [north, south, cluster.hubReplica] {
            #expect(try replica.conflicts().map(\.origin.rawValue) == ["south"])
        }
        await cluster.shutdown()
    }

    @Test func verifyNamesTheTableAndRowOfAFieldEditedDirectlyInTheSQLiteFile() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let ana = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Example")]))
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Sample")]))
        let client = try cluster.client(for: north)
        let clean = try await client.verify()
        #expect(clean.inSync && clean.rows == 2)
        // Someone edits the file behind Rooftop's back.
        let database = try DatabaseQueue(path: north.path)
        try await database.write { db in try db.execute(sql: "UPDATE customer SET notes = 'tampered' WHERE id = ?", arguments: [ana.string]) }
        let report = try await client.verify()
        try await client.shutdown()
        #expect(!report.inSync)
        #expect(report.differences.map(\.table) == ["customer"])
        #expect(report.differences.first?.rows == [ana.string])
        #expect(report.rowsNotMatchingTheirHistory == ["customer/\(ana)"])
        await cluster.shutdown()
    }

    @Test func aRooftopOfflineBeyondRetentionReBootstrapsKeepingItsUnsentChanges() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let south = try Replica(path: cluster.directory.path("south-old.sqlite"), rooftop: RooftopID(rawValue: "south")!, wallClock: cluster.clock)
        let gone = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Deleted later")]))
        try await cluster.sync(north)
        try await cluster.sync(south)
        // South goes offline for 100 days; meanwhile north deletes a customer and the hub purges it.
        cluster.clock.advance(by: 86_400_000)
        try north.delete(CRMSchema.customer, id: gone)
        try await cluster.sync(north)
        let kept = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Made offline")]))
        try south.updateCustomer(id: gone, CustomerInput(fields: ["notes": .text("edit of a row purged meanwhile")]))
        cluster.clock.advance(by: 100 * 86_400_000)
        #expect(try cluster.hubReplica.compact(purgeExpiredTombstones: true).rowsPurged == 1)
        // South is refused before it sends anything.
        let client = try cluster.client(for: south)
        let error = try await #require(throws: SyncError.self) { try await client.sync() }
        #expect(error.reasonCode == "BEYOND_RETENTION")
        #expect(try SyncStatus.read(south).pendingChanges == 2)
        try await client.shutdown()
        let southID = RooftopID(rawValue: "south")!
        let open: @Sendable (String) throws -> Replica = { try Replica(path: $0, rooftop: southID, wallClock: cluster.clock) }
        // A re-bootstrap that fails midway (here: the hub cannot be reached for the new replica)
        // changes nothing: the old replica and its unsent changes stay, no side file is left.
        let unreachable = URL(string: "https://localhost:1")!
        let tls = try TLSSettings.rooftop("south", ca: cluster.ca)
        await #expect(throws: SyncError.self) {
            try await SyncClient.rebootstrap(south, sidePath: south.path + ".rebootstrap", open: open, clientFor: { replica in
                replica === south ? try! cluster.client(for: replica) : SyncClient(replica: replica, hub: unreachable, tls: tls, connectTimeout: .seconds(1))
            })
        }
        #expect(try SyncStatus.read(south).pendingChanges == 2)
        #expect(try south.customer(id: kept) != nil)
        #expect(!FileManager.default.fileExists(atPath: south.path + ".rebootstrap"))
        // Re-bootstrap: a new replica from the hub, renamed into place once complete; the unsent
        // change re-offered, the edit of the purged customer in the review queue (failed before: it
        // was dropped without a word).
        let report = try await SyncClient.rebootstrap(south, sidePath: south.path + ".rebootstrap", open: open,
                                                      clientFor: { replica in try! cluster.client(for: replica) })
        #expect(report.reoffered == 1 && report.queued == 1 && report.pushed == 1 && report.pushError == nil)
        #expect(try south.customer(id: kept) != nil)
        #expect(try south.customer(id: gone) == nil)
        let review = try south.reviewItems()
        #expect(review.map(\.reason) == ["ROW_PURGED"])
        #expect(review.first?.fields["notes"] == .string("edit of a row purged meanwhile"))
        #expect(try SyncStatus.read(south).pendingReview == 1 && SyncStatus.read(south).pendingChanges == 0)
        #expect(try cluster.hubReplica.storedState(CRMSchema.customer, id: gone) == nil)  // not resurrected
        #expect(!FileManager.default.fileExists(atPath: south.path + ".rebootstrap"))
        try await cluster.sync(north)
        #expect(try south.digest() == cluster.hubReplica.digest())
        #expect(try north.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    /// Failed before: a re-bootstrap whose push was refused (CLOCK_SKEW) had replaced the replica,
    /// left the unsent changes in a side file only, and the next sync reported 0 pending.
    @Test func aReBootstrapWhosePushIsRefusedKeepsTheReOfferedChangesPending() async throws {
        let cluster = try await TestCluster()
        let southClock = ManualWallClock(milliseconds: cluster.clock.nowMilliseconds())
        let south = try cluster.replica("south", clock: southClock)
        let north = try cluster.replica("north")
        let gone = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Deleted later")]))
        try await cluster.sync(north)
        try await cluster.sync(south)
        cluster.clock.advance(by: 86_400_000)
        try north.delete(CRMSchema.customer, id: gone)
        try await cluster.sync(north)
        cluster.clock.advance(by: 100 * 86_400_000)
        #expect(try cluster.hubReplica.compact(purgeExpiredTombstones: true).rowsPurged == 1)
        // South's clock is 10 minutes fast since the last boot (no measurement of the hub's clock).
        southClock.set(cluster.clock.nowMilliseconds() + 10 * 60_000)
        try south.setSyncState(["hubClock": nil])
        let kept = try south.createCustomer(CustomerInput(fields: ["lastName": .text("Made offline")]))
        let southID = RooftopID(rawValue: "south")!
        let report = try await SyncClient.rebootstrap(south, sidePath: south.path + ".rebootstrap",
                                                      open: { try Replica(path: $0, rooftop: southID, wallClock: southClock) },
                                                      clientFor: { replica in try! cluster.client(for: replica) })
        #expect(report.reoffered == 1 && report.pushed == 0)
        #expect(report.pushError?.contains("CLOCK_SKEW") == true)
        let status = try SyncStatus.read(south)
        #expect(status.pendingChanges == 1 && status.lastErrorCode == "CLOCK_SKEW")
        // The clock is set right: the next sync re-stamps and sends it.
        southClock.set(cluster.clock.nowMilliseconds())
        #expect(try await cluster.sync(south).pushed == 1)
        try await cluster.sync(north)
        #expect(try north.customer(id: kept) != nil)
        await cluster.shutdown()
    }

    @Test func anErasureReachesEveryRooftopAndTheHubReportsWhoAppliedIt() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north"), south = try cluster.replica("south")
        let id = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Quixote")]))
        try await cluster.sync(north)
        try await cluster.sync(south)
        try north.erase(customer: id)
        try await cluster.sync(north)
        let client = try cluster.client(for: north)
        var records = try await client.erasures()
        #expect(records.first?.acknowledgedBy.map(\.rawValue) == ["hub", "north"])  // the hub holds it too
        #expect(records.first?.pending.map(\.rawValue) == ["south"])
        try await cluster.sync(south)  // receives the erase
        try await cluster.sync(south)  // reports it has it
        records = try await client.erasures()
        try await client.shutdown()
        #expect(records.first?.acknowledgedBy.map(\.rawValue) == ["hub", "north", "south"])
        #expect(try south.customer(id: id) == nil)
        #expect(try north.digest() == south.digest() && south.digest() == cluster.hubReplica.digest())
        await cluster.shutdown()
    }

    /// A pipelined pull asks for the next page before the current one is committed: the hub
    /// acknowledges only what the rooftop reports as applied (`appliedVector`).
    @Test func anErasureIsAcknowledgedOnlyOnceTheRooftopReportsItApplied() async throws {
        let cluster = try await TestCluster()
        let north = try cluster.replica("north")
        let id = try north.createCustomer(CustomerInput(fields: ["lastName": .text("Quixote")]))
        try north.erase(customer: id)
        try await cluster.sync(north)
        let everything = try cluster.hubReplica.versionVector()
        let http = try Self.http(cluster, certificate: "south")
        func pull(_ request: PullRequest) async throws -> HTTPResponseStatus {
            try await Self.post(http, cluster, "pull", Array(try JSONEncoder().encode(request))).status
        }
        let client = try cluster.client(for: north)
        #expect(try await pull(PullRequest(versionVector: everything, maxChanges: 10, appliedVector: VersionVector())) == .ok)
        #expect(try await client.erasures().first?.pending.map(\.rawValue) == ["south"])
        #expect(try await pull(PullRequest(versionVector: everything, maxChanges: 10)) == .ok)
        #expect(try await client.erasures().first?.acknowledgedBy.map(\.rawValue) == ["hub", "north", "south"])
        try await client.shutdown()
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func pushBodyOverTheLimitIsA413Problem() async throws {
        let cluster = try await TestCluster()
        let http = try Self.http(cluster, certificate: "north")
        let answer = try await Self.post(http, cluster, "changesets", [UInt8](repeating: 0x28, count: SyncProtocol.maxPushBytes + 1))
        #expect(answer.status.code == 413)
        #expect(try JSONDecoder().decode(ProblemDetails.self, from: Data(answer.body)).code == "CONTENT_TOO_LARGE")
        try await http.shutdown()
        await cluster.shutdown()
    }

    // MARK: - helpers

    struct Answer {
        var status: HTTPResponseStatus
        var contentType: String?
        var body: [UInt8]
    }

    static func http(_ cluster: TestCluster, certificate: String) throws -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: try TLSSettings.rooftop(certificate, ca: cluster.ca)))
    }

    static func post(_ http: HTTPClient, _ cluster: TestCluster, _ path: String, _ body: [UInt8]) async throws -> Answer {
        var request = HTTPClientRequest(url: cluster.hubURL.absoluteString + "/sync/v1/" + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: SyncProtocol.changesetMediaType)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        return Answer(status: response.status, contentType: response.headers.first(name: "Content-Type"),
                      body: Array(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}
