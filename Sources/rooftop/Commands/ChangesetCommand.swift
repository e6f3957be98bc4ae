import ArgumentParser
import Foundation
import RooftopModel
import RooftopReplication
import RooftopWire

struct ChangesetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "changeset", abstract: "Inspect changeset files.", subcommands: [Show.self])

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
}
