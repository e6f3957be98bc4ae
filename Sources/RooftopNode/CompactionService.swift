import Logging
import RooftopReplication
import RooftopStore
import RooftopSync
import ServiceLifecycle

/// Compacts the replica every `interval` (default 6 hours), first right after start: the hub
/// purges rows deleted longer ago than the retention horizon and every replica drops superseded
/// values older than it (`sync-protocol/merge-rules.md#retention`).
public struct CompactionService: Service {
    let replica: Replica
    let retentionDays: Int
    let interval: Duration
    let logger: Logger

    public init(replica: Replica, retentionDays: Int, interval: Duration = .seconds(6 * 3_600), logger: Logger) {
        self.replica = replica
        self.retentionDays = retentionDays
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let report = try await replica.perform { [retentionDays] replica in
                        let acked = try replica.syncState(SyncStateKeys.hubAcked).flatMap(UInt64.init).map(HLC.init(rawValue:)) ?? .zero
                        return try replica.compact(retentionMilliseconds: UInt64(retentionDays) * 86_400_000,
                                                   purgeExpiredTombstones: replica.rooftop == .hub,
                                                   ownAcknowledgedThrough: replica.rooftop == .hub ? HLC(rawValue: .max) : acked)
                    }
                    if !report.changedNothing || report.bytesReturned > 0 {
                        logger.info("compacted", metadata: ["purged": "\(report.rowsPurged)", "droppedChanges": "\(report.entriesDropped)",
                                                            "bytesReturned": "\(report.bytesReturned)"])
                    }
                } catch let error as ReplicaError where error.code == .busy {
                    logger.info("compaction skipped: another compaction of this replica is running")
                } catch {
                    logger.error("compaction failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
