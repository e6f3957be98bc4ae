import ArgumentParser
import RooftopCRM
import Foundation
import NIOCore
import RooftopNode
import RooftopSync
import RooftopStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Last sync, pending changes, hub reachability and clock offset.")
    @OptionGroup var data: DataOptions
    @Flag(help: "Do not contact the hub.") var offline = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let configuration = try data.configuration()
        let replica = try data.openReplica()
        var status = try SyncStatus.read(replica)
        var hubProblem: String?
        if !offline, let hub = URL(string: configuration.hubURL) {
            let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
            let client = SyncClient(replica: replica, hub: hub, tls: tls, connectTimeout: .seconds(2))
            do {
                let sent = UInt64(Date().timeIntervalSince1970 * 1000)
                let hello = try await client.hello()
                let received = UInt64(Date().timeIntervalSince1970 * 1000)
                status.hubReachable = true
                status.clockOffsetMs = Int64(hello.serverTimeMs) - Int64((sent + received) / 2)
            } catch {
                status.hubReachable = false
                hubProblem = "\(error)"
            }
            try await client.shutdown()
        }
        if json { return try Output.printJSON(status) }
        let reach: String = switch status.hubReachable {
        case true?: "reachable"
        case false?: "unreachable (\(hubProblem ?? "no answer"))"
        case nil: "not checked"
        }
        print("rooftop:          \(status.rooftop)")
        print("hub:              \(configuration.hubURL) \(reach)")
        print("last sync:        \(status.lastSyncAt ?? "never")")
        print("pending changes:  \(status.pendingChanges)")
        if status.pendingReview > 0 {
            print("review queue:     \(status.pendingReview) unsent change(s) could not be offered to the hub: rooftop review")
        }
        print("clock offset:     \(status.clockOffsetMs.map { "\($0 >= 0 ? "+" : "")\($0) ms (hub minus local)" } ?? "unknown")")
        print("hlc:              \(status.hlc) (Unix ms.counter)")
        print("manager id:       \(DerivedID.rooftopManager(status.rooftop)) (survey follow-ups go here unless someone is named)")
        if let warning = status.clockWarning {
            print("CLOCK WARNING:    \(warning)")
        }
        if let error = status.lastError {
            print("last sync failed: \(status.lastAttemptAt.map { "at \($0): " } ?? "")\(error)")
        }
        if let newer = status.schemaBehind {
            print("SCHEMA_BEHIND:    changes from schema version \(newer) arrived; this release knows \(status.schemaVersion). "
                  + "Their unknown fields are kept and forwarded; upgrade Rooftop to see them.")
        }
    }
}
