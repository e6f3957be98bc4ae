import ArgumentParser
import Foundation
import RooftopNode
import RooftopReplication
import RooftopStore
import RooftopSync

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Compact tombstones and merge metadata older than the retention horizon (the hub also purges old deleted rows).")
    @OptionGroup var data: DataOptions
    @Option(name: .customLong("retention-days"), help: "The retention horizon in days.") var retentionDays: Int = 90

    func run() throws {
        guard (1...3650).contains(retentionDays) else { throw CLIError("--retention-days must be 1-3650") }
        let replica = try data.openReplica()
        let acked = try replica.syncState(SyncStateKeys.hubAcked).flatMap(UInt64.init).map(HLC.init(rawValue:)) ?? .zero
        let report = try replica.compact(retentionMilliseconds: UInt64(retentionDays) * 86_400_000,
                                         purgeExpiredTombstones: replica.rooftop == .hub,
                                         ownAcknowledgedThrough: replica.rooftop == .hub ? HLC(rawValue: .max) : acked)
        print("purged \(report.rowsPurged) row(s) deleted more than \(retentionDays) days ago (with their children); dropped \(report.entriesDropped) "
              + "superseded change(s) and \(report.fieldsDropped) superseded value(s); content unchanged; the file shrank by \(report.bytesReturned) bytes")
    }
}
