import ArgumentParser
import Foundation
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopWire
import RooftopSync
import RooftopStore

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Sync with the hub, apply changeset files, compare with the hub.",
        subcommands: [SyncNowCommand.self, SyncApplyCommand.self, SyncVerifyCommand.self], defaultSubcommand: SyncNowCommand.self)
}

struct SyncNowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "now", abstract: "Push local changes to the hub and pull the rest, once (the default). Exits 1 with the reason if the hub is unreachable.")
    @OptionGroup var data: DataOptions
    @Option(name: .customLong("save-changeset"), help: "Also write the changeset frames pushed and pulled to this file (zstd frames; `zstd -d` reads them). A new rooftop then pulls changesets, not the hub's snapshot.")
    var saveChangeset: String?
    @Flag(name: .customLong("no-snapshot"), help: "A new rooftop pulls every change as changesets instead of starting from the hub's snapshot.")
    var noSnapshot = false

    func run() async throws {
        let configuration = try data.configuration()
        let replica = try data.openReplica()
        if let saveChangeset {  // fail before syncing, not after
            guard (try? PrivateFiles.write(Data(), to: URL(fileURLWithPath: saveChangeset))) != nil else {
                throw CLIError("cannot write \(saveChangeset)")
            }
        }
        guard let hub = URL(string: configuration.hubURL) else { throw CLIError("hubURL in rooftop.json is not a URL") }
        let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
        let useSnapshot = !noSnapshot && saveChangeset == nil
        let client = SyncClient(replica: replica, hub: hub, tls: tls, snapshotThreshold: useSnapshot ? SyncClient.defaultSnapshotThreshold : nil)
        let result: Result<SyncReport, any Error>
        let bar = ProgressBar(label: "pulling")
        do {
            result = .success(try await client.sync(keepFrames: saveChangeset != nil) { bar.show($0) })
        } catch { result = .failure(error) }
        bar.finish()
        try await client.shutdown()
        let report: SyncReport
        do { report = try result.get() } catch let error as SyncError where error.reasonCode == "BEYOND_RETENTION" {
            throw CLIError("\(error) — run `rooftop node rebootstrap --data \(data.directory.path)`")
        }
        if let saveChangeset {
            try PrivateFiles.write(Data(report.frames.joined()), to: URL(fileURLWithPath: saveChangeset))
            print("saved \(report.frames.count) changeset frame(s) exchanged (pushed and pulled) to \(saveChangeset)")
        }
        if report.snapshotBytes > 0 {
            let resumed = report.snapshotResumedBytes > 0 ? " (resumed: \(report.snapshotResumedBytes) bytes kept from an interrupted download)" : ""
            print("started from the hub's snapshot: \(report.snapshotBytes) bytes downloaded\(resumed)")
        }
        print("pushed \(report.pushed) change(s), pulled \(report.pulled) (\(report.applied) new) in \(report.durationMs) ms; hub clock offset \(report.clockOffsetMs) ms")
        if let warning = try SyncStatus.read(replica).clockWarning {
            FileHandle.standardError.write(Data("CLOCK WARNING: \(warning)\n".utf8))  // loud, on every sync, until the clock is right
        }
    }
}

struct SyncApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply changeset frames from a file (as saved by --save-changeset): every frame is checked first, then each applied atomically; the same file twice changes nothing.")
    @OptionGroup var data: DataOptions
    @Argument(help: "A file of one or more changeset frames.") var file: String

    func run() throws {
        let replica = try data.openReplica()
        let frames: [[UInt8]]
        do { frames = try Zstd.splitFrames(Array(try readUserFile(file))) } catch let error as ChangesetDecodingError {
            throw CLIError("\(file): rejected, nothing applied: \(error)")
        }
        guard !frames.isEmpty else { throw CLIError("\(file): no changeset frames in it, nothing applied") }
        // Every frame is decoded and checked before any is applied: a bad file changes nothing.
        var changesets: [Changeset] = []
        let seen = try replica.versionVector()
        for (index, frame) in frames.enumerated() {
            do {
                let changeset = try ChangesetCodec.decode(frame)
                try replica.check(changeset)
                if changeset.origin == replica.rooftop, let newest = changeset.maxHLC, newest > seen[replica.rooftop] {
                    throw CLIError("it holds changes of \(replica.rooftop), this replica, that it never made (a rebuilt rooftop gets its own history back from the hub with `rooftop sync`)")
                }
                changesets.append(changeset)
            } catch {
                throw CLIError("\(file): frame \(index + 1) of \(frames.count) rejected, nothing applied: \(error)")
            }
        }
        var applied = 0, known = 0
        for changeset in changesets {
            if changeset.origin == replica.rooftop {  // this replica's own changes, all of which it holds (checked above)
                known += changeset.changes.count
                continue
            }
            let outcome = try replica.apply(changeset)
            applied += outcome.applied
            known += outcome.alreadyApplied
        }
        if applied == 0 && known > 0 {
            print("already applied: all \(known) change(s) in \(frames.count) frame(s) were already here")
        } else {
            print("applied \(applied) change(s) from \(frames.count) frame(s)\(known > 0 ? "; \(known) already here" : "")")
        }
    }
}

struct SyncVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Sync, then compare this replica with the hub table by table and row by row; also check every row against its change log. Exits 1 if anything differs.")
    @OptionGroup var data: DataOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let configuration = try data.configuration()
        let replica = try data.openReplica()
        guard let hub = URL(string: configuration.hubURL) else { throw CLIError("hubURL in rooftop.json is not a URL") }
        let tls = try TLSSettings.rooftop(configuration.rooftop.rawValue, ca: GroupCA(directory: URL(fileURLWithPath: configuration.certificates)))
        let client = SyncClient(replica: replica, hub: hub, tls: tls)
        let result: Result<VerifyReport, any Error>
        do { result = .success(try await client.verify()) } catch { result = .failure(error) }
        try await client.shutdown()
        let report = try result.get()
        if json { try Output.printJSON(report) } else {
            if !report.comparable { print("not comparable: the hub kept changing while comparing (other rooftops syncing); try again") }
            for difference in report.differences {
                print("\(difference.table): differs from the hub (\(difference.localRows) rows here, \(difference.hubRows) at the hub)")
                for row in difference.rows { print("  \(difference.table)/\(row)") }
            }
            for row in report.rowsNotMatchingTheirHistory { print("not what its change log says (edited outside Rooftop?): \(row)") }
            if report.inSync { print("in sync: \(report.rows) rows in \(CRMSchema.entities.count) tables match the hub") }
        }
        if !report.inSync { throw ExitCode(1) }
    }
}
