import ArgumentParser
import Foundation
import RooftopModel
import RooftopStore

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts", abstract: "Edits that lost to a delete they did not know of: who, where, when, and the losing values.")
    @OptionGroup var data: DataOptions
    @Option var limit: Int = 200
    @Flag(help: "Print JSON ({\"items\": [...]}, as GET /api/sync/conflicts).") var json = false

    func run() throws {
        let conflicts = try data.openReplica().conflicts(limit: max(1, limit))
        if json { return try Output.printJSON(["items": conflicts]) }  // the shape of GET /api/sync/conflicts
        if conflicts.isEmpty { print("no conflicts") }
        for c in conflicts {
            let values = c.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(decoding: (try? $0.value.encoded()) ?? Data(), as: UTF8.self))" }
            print("\(c.at)  \(c.origin)  \(c.table) \(c.rowID)  lost to delete by \(c.deletedBy) at \(c.deletedAt): \(values.joined(separator: ", "))")
        }
    }
}
