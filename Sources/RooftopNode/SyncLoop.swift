import Logging
import RooftopStore
import RooftopSync
import ServiceLifecycle

/// The node's background sync: one push and pull every interval while the hub answers, and
/// exponential backoff (1 s doubling to 60 s) while it does not. Stops at graceful shutdown.
public struct SyncLoop: Service {
    let client: SyncClient
    let interval: Duration
    let health: HubHealth
    let logger: Logger

    /// - Parameters:
    ///   - client: the rooftop's sync client.
    ///   - intervalSeconds: pause between successful syncs.
    public init(client: SyncClient, intervalSeconds: Double, health: HubHealth, logger: Logger) {
        self.client = client
        self.interval = .milliseconds(Int64(intervalSeconds * 1000))
        self.health = health
        self.logger = logger
    }

    /// The first wait after `failures` consecutive failures: 1 s, 2 s, 4 s ... capped at 60 s.
    public static func backoff(failures: Int) -> Duration {
        .seconds(min(60, 1 << min(failures - 1, 6)))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let report = try await client.sync()
                    if failures > 0 { logger.info("hub reachable again") }
                    failures = 0
                    await health.record(true)
                    if report.pushed + report.applied > 0 {
                        logger.info("synced", metadata: ["pushed": "\(report.pushed)", "applied": "\(report.applied)"])
                    }
                } catch {
                    if Task.isCancelled { break }  // shutting down, not a hub failure
                    failures += 1
                    // A hub that refuses (CLOCK_SKEW, UNKNOWN_SCHEMA, ...) answered: it is reachable.
                    await health.record((error as? SyncError)?.hubAnswered ?? false)
                    let wait = Self.backoff(failures: failures)
                    logger.warning("sync failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(wait)"])
                }
                let wait = failures == 0 ? interval : Self.backoff(failures: failures)
                try? await Task.sleep(for: wait)
            }
        }
        try await client.shutdown()
    }
}
