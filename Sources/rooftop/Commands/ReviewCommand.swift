import ArgumentParser
import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `rooftop review`: this rooftop's unsent changes that could not be offered to the hub (their
/// row was purged, or their customer erased), kept for staff (`sync-protocol/merge-rules.md#review-queue`).
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Unsent changes that could not be offered to the hub: list, show, apply again or discard.",
        subcommands: [List.self, Show.self, Apply.self, Discard.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The review queue, oldest first.")
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON ({\"items\": [...]}, as GET /api/sync/review).") var json = false

        func run() throws {
            let items = try data.openReplica().reviewItems()
            if json { return try Output.printJSON(["items": items]) }
            if items.isEmpty { print("review queue empty") }
            for item in items {
                print("\(item.id)  \(item.reason)  \(item.kind) \(item.table) \(item.rowId)  made at \(item.at)  (queued \(item.queuedAt))")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One queued change with its values.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The review item's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a review item id (a UUID)") }
            try Output.printJSON(try data.openReplica().reviewItem(id: rowID))
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a queued change again as a new edit, stamped now (to its row if it still exists; a child anew under its customer).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The review item's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a review item id (a UUID)") }
            let changes = try data.openReplica().applyReviewItem(id: rowID)
            print("applied as \(changes.count) new change(s): \(changes.map { "\($0.kind.name) \($0.table) \($0.rowID)" }.joined(separator: ", "))")
        }
    }

    struct Discard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a queued change for good.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The review item's id.") var id: String

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a review item id (a UUID)") }
            try data.openReplica().discardReviewItem(id: rowID)
            print("discarded \(rowID)")
        }
    }
}
