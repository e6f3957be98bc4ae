import ArgumentParser
import Foundation
import RooftopNode
import RooftopSync

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Push local changes to the hub and pull the rest, once. Exits 1 with the reason if the hub is unreachable.")
    @OptionGroup var data: DataOptions
    @Option(name: .customLong("save-changeset"), help: "Also write the changeset frames pushed and pulled to this file (zstd frames; `zstd -d` reads them).")
    var saveChangeset: String?

    func run() async throws {
        let configuration = try data.configuration()
        let replica = try data.openReplica()
        if let saveChangeset {  // fail before syncing, not after
            guard FileManager.default.createFile(atPath: saveChangeset, contents: Data()) else {
                throw CLIError("cannot write \(saveChangeset)")
            }
        }
        guard let hub = URL(string: configuration.hubURL) else { throw CLIError("hubURL in rooftop.json is not a URL") }
        let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
        let client = SyncClient(replica: replica, hub: hub, tls: tls)
        let result: Result<SyncReport, any Error>
        do { result = .success(try await client.sync(keepFrames: saveChangeset != nil)) } catch { result = .failure(error) }
        try await client.shutdown()
        let report = try result.get()
        if let saveChangeset {
            try Data(report.frames.joined()).write(to: URL(fileURLWithPath: saveChangeset))
            print("saved \(report.frames.count) changeset frame(s) exchanged (pushed and pulled) to \(saveChangeset)")
        }
        print("pushed \(report.pushed) change(s), pulled \(report.pulled) (\(report.applied) new) in \(report.durationMs) ms; hub clock offset \(report.clockOffsetMs) ms")
    }
}
