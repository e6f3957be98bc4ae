import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOSSL
import RooftopReplication
import RooftopStore
import RooftopSync
import ServiceLifecycle

/// A real hub on loopback (HTTPS with mutual TLS, certificates from a fresh group CA) and
/// rooftop replicas with sync clients, all in one process, for end-to-end tests.
public final class TestCluster: Sendable {
    public let directory: TemporaryDirectory
    public let ca: GroupCA
    public let clock: ManualWallClock
    public let hubReplica: Replica
    /// The hub's base URL once started (`https://localhost:PORT`).
    public let hubURL: URL
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Creates the CA, the hub's certificate and replica, and starts the hub on a free port.
    /// - Parameter rooftops: rooftops to issue certificates for.
    /// - Parameter hubLimits: the hub's bounds on work per request (tests shorten the idle timeout).
    public init(rooftops: [String] = ["north", "south"], clock: ManualWallClock = ManualWallClock(), hubLimits: HubLimits = HubLimits()) async throws {
        directory = try TemporaryDirectory("rooftop-cluster")
        self.clock = clock
        ca = GroupCA(directory: directory.url.appendingPathComponent("certs"))
        try ca.initialize(groupName: "Test Group")
        try ca.issueHub(host: "localhost")
        for name in rooftops { try ca.issueRooftop(RooftopID(rawValue: name)!) }
        hubReplica = try Replica(path: directory.path("hub.sqlite"), rooftop: .hub, wallClock: clock)
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .warning
        let app = try HubServer.application(replica: hubReplica, tls: try TLSSettings.hub(ca: ca), host: "127.0.0.1", port: 0,
                                            logger: logger, wallClock: clock, limits: hubLimits) { port in continuation.yield(port) }
        group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        task = Task { [group] in try await group.run() }
        var port = 0
        for await p in stream { port = p; break }
        hubURL = URL(string: "https://localhost:\(port)")!
    }

    /// A new replica for `rooftop` sharing the cluster's clock.
    public func replica(_ rooftop: String, clock: ManualWallClock? = nil) throws -> Replica {
        try Replica(path: directory.path("\(rooftop).sqlite"), rooftop: RooftopID(rawValue: rooftop)!, wallClock: clock ?? self.clock)
    }

    /// A sync client for `replica`, presenting the certificate of `certificate` (default: the replica's own rooftop).
    /// - Parameters:
    ///   - pageSize: most changes per pull answer (see ``SyncClient/pageSize``).
    ///   - snapshotThreshold: see ``SyncClient/snapshotThreshold``.
    public func client(for replica: Replica, certificate: String? = nil, pageSize: Int = SyncClient.defaultPageSize,
                       snapshotThreshold: Int? = SyncClient.defaultSnapshotThreshold) throws -> SyncClient {
        SyncClient(replica: replica, hub: hubURL, tls: try TLSSettings.rooftop(certificate ?? replica.rooftop.rawValue, ca: ca),
                   pageSize: pageSize, snapshotThreshold: snapshotThreshold)
    }

    /// One sync of `replica` with the hub.
    @discardableResult
    public func sync(_ replica: Replica, snapshotThreshold: Int? = SyncClient.defaultSnapshotThreshold) async throws -> SyncReport {
        let client = try client(for: replica, snapshotThreshold: snapshotThreshold)
        do {
            let report = try await client.sync()
            try await client.shutdown()
            return report
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// Stops the hub; the replicas and certificates stay.
    public func stopHub() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Stops the hub and removes the files.
    public func shutdown() async {
        await stopHub()
        directory.remove()
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing body (so a test can clean up before rethrowing).
    public init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
