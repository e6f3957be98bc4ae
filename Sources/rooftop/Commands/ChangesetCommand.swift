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
                result.append(Self.json(try ChangesetCodec.decode(frame)))
            }
            try Output.printJSON(JSONValue.array(result))
        }

        static func json(_ changeset: Changeset) -> JSONValue {
            .object([
                "origin": .string(changeset.origin.rawValue), "schemaVersion": .number(Double(changeset.schemaVersion)),
                "changes": .array(changeset.changes.map { change in
                    .object([
                        "hlc": .string(change.hlc.description), "table": .string(change.table), "rowId": .string(change.rowID.string),
                        "kind": .string(change.kind == .insert ? "insert" : "update"),
                        "fields": .object(Dictionary(uniqueKeysWithValues: change.fields.map { ($0.name, value($0.value)) })),
                    ])
                }),
            ])
        }

        static func value(_ value: FieldValue) -> JSONValue {
            switch value {
            case .null: .null
            case .integer(let i): .number(Double(i))
            case .real(let d): .number(d)
            case .text(let s): .string(s)
            case .blob(let b): .string("base64:" + Data(b).base64EncodedString())
            }
        }
    }
}
