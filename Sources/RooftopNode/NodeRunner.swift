import Foundation
import Hummingbird
import Logging
import NIOCore
import RooftopAPI
import RooftopReplication
import RooftopStore
import RooftopSync
import ServiceLifecycle
import RooftopHTTP

/// Runs a rooftop node: the staff REST API and the background sync loop, until SIGINT/SIGTERM.
public enum NodeRunner {
    /// How long the REST API keeps a connection that is idle, or whose request head or body stopped
    /// arriving (a body shorter than its `Content-Length`), before closing it: 30 s.
    public static let idleTimeout: TimeAmount = .seconds(30)

    /// - Parameters:
    ///   - configuration: the node's settings.
    ///   - replica: the node's replica.
    ///   - idleTimeout: closes REST connections idle or stalled this long (default ``idleTimeout``, 30 s).
    ///   - leadDrop: a folder to watch for ADF lead files (``LeadDropFolder``), if any.
    ///   - onServerRunning: called with the REST port once it listens.
    /// - Throws: when the certificates cannot be read or the port cannot be bound.
    public static func run(configuration: NodeConfiguration, replica: Replica, logger: Logger, idleTimeout: TimeAmount = NodeRunner.idleTimeout,
                           leadDrop: URL? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        guard let hub = URL(string: configuration.hubURL) else { throw CertificateError("hubURL is not a URL") }
        let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
        let client = SyncClient(replica: replica, hub: hub, tls: tls)
        let health = HubHealth()
        let loop = SyncLoop(client: client, intervalSeconds: configuration.syncIntervalSeconds, health: health, logger: logger)
        let router = RooftopAPI.router(replica: replica, hosts: APIHostPolicy(bindHost: configuration.apiHost, extraHosts: configuration.apiHosts ?? []),
                                       hubReachable: { await health.reachable })
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorProblemHandler.installer()], idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(configuration.apiHost, port: configuration.apiPort), serverName: "rooftop-\(configuration.rooftop)"),
            services: [loop, CompactionService(replica: replica, retentionDays: configuration.retentionDays ?? 90, logger: logger)]
                + (leadDrop.map { [LeadDropFolder(replica: replica, directory: $0, logger: logger)] } ?? []),
            onServerRunning: { channel in
                // The search's typo tier reads the index's terms once now, not in the first staff searches.
                Task.detached(priority: .background) {
                    do { try replica.warmSearchVocabulary() } catch { logger.warning("could not read the search index's terms: \(error)") }
                    // And the search indexes' and result rows' pages into the OS file cache: the first
                    // searches after a start would otherwise wait for the disk.
                    let began = ContinuousClock.now
                    do {
                        let warmup = try replica.warmSearchPages()
                        logger.info("search pages read into the file cache", metadata: [
                            "megabytes": "\(warmup.bytes / 1_048_576)", "trees": "\(warmup.read.count)", "skipped": "\(warmup.skipped.count)",
                            "took": "\(began.duration(to: .now))",
                        ])
                    } catch { logger.warning("could not read the search pages ahead: \(error)") }
                }
                await onServerRunning(channel.localAddress?.port ?? configuration.apiPort)
            },
            logger: logger)
        try await app.runService()
    }
}

/// Runs the hub until SIGINT/SIGTERM.
public enum HubRunner {
    /// - Parameters:
    ///   - replica: the hub's replica (rooftop id `hub`).
    ///   - certificates: the group CA directory holding `hub.pem` and `hub-key.pem`.
    /// - Throws: when the certificates cannot be read or the port cannot be bound.
    ///   - retentionDays: the retention horizon for compaction (rows deleted longer ago are purged).
    public static func run(replica: Replica, certificates: URL, host: String, port: Int, retentionDays: Int = 90, logger: Logger,
                           onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let tls = try TLSSettings.hub(ca: GroupCA(directory: certificates))
        let app = try HubServer.application(replica: replica, tls: tls, host: host, port: port, logger: logger, onServerRunning: onServerRunning)
        let group = ServiceGroup(configuration: .init(
            services: [app, CompactionService(replica: replica, retentionDays: retentionDays, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
