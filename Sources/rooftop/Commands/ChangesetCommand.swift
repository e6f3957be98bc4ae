import ArgumentParser
import Foundation
import RooftopModel
import RooftopReplication
import RooftopWire

struct ChangesetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "changeset", abstract: "Inspect changeset files.", subcommands: [Show.self, Export.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decode a file of changeset frames and print them as JSON (rejects bad frames with the reason).")
        @Argument(help: "A file of one or more changeset frames.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            var result: [JSONValue] = []
            for frame in try Zstd.splitFrames(Array(data)) {
                result.append(try ChangesetCodec.decode(frame).json)
            }
            try Output.printJSON(JSONValue.array(result))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write changes from this replica's change log as changeset frames (for `rooftop sync apply` elsewhere).")
        @OptionGroup var data: DataOptions
        @Option(help: "Whose changes (default: this replica's own).") var origin: String?
        @Option(help: "Only changes after this HLC (raw 64-bit value; default: all).") var after: UInt64 = 0
        @Option(help: "The file to write.") var out: String

        func run() throws {
            let replica = try data.openReplica()
            guard let origin = origin.map({ RooftopID(rawValue: $0) }) ?? replica.rooftop else { throw CLIError("--origin is not a rooftop id") }
            var frames: [UInt8] = [], cursor = HLC(rawValue: after), changes = 0
            while true {
                let changeset = try replica.changeset(origin: origin, after: cursor, limit: ChangesetCodec.maxChangesPerFrame,
                                                      maxPayloadBytes: ChangesetCodec.maxFramePayloadBytes)
                guard let last = changeset.maxHLC else { break }
                frames += try ChangesetCodec.encode(changeset)
                changes += changeset.changes.count
                cursor = last
            }
            do { try PrivateFiles.write(Data(frames), to: URL(fileURLWithPath: out)) } catch { throw CLIError("cannot write \(out): \(error.localizedDescription)") }
            print("wrote \(changes) change(s) from \(origin) to \(out) (\(frames.count) bytes)")
        }
    }
}
