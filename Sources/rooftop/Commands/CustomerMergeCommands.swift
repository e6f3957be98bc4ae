import ArgumentParser
import Foundation
import RooftopModel
import RooftopStore
import RooftopCRM

extension CustomerCommand {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a duplicate customer with another: one customer on every rooftop (sync-protocol/customer-merge.md).",
            discussion: """
                The survivor is whichever of the two was created first; the other id keeps resolving to it. Prints the merged \
                customer as JSON (with --dry-run: exactly the record the merge would produce, writing nothing).
                """)
        @OptionGroup var data: DataOptions
        @Argument(help: "The duplicate customer's id.") var id: String
        @Option(help: "The customer to merge it with.") var into: String
        @Flag(name: .customLong("dry-run"), help: "Show the merged record; write nothing.") var dryRun = false
        @Option(help: "Who merges (recorded in the audit entry).") var user: String?
        @Option(help: "Why (recorded in the audit entry).") var reason: String?

        func run() throws {
            guard let from = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            guard let target = RowID(into) else { throw CLIError("--into \(into) is not a customer id (UUID)") }
            let result = try CRMService(replica: try data.openReplica()).mergeCustomer(from, into: target, by: user, reason: reason, dryRun: dryRun)
            try Output.printJSON(result.customer.json)
            let absorbed = result.customer.mergedFrom.map(\.string).joined(separator: ", ")
            let verb = dryRun ? "would merge" : "merged"
            FileHandle.standardError.write(Data("\(verb) \(id) and \(into): survivor \(result.customer.customer.id), absorbed \(absorbed)\(dryRun ? " (dry run: nothing written)" : "")\n".utf8))
        }
    }

    struct Unmerge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo the merges that name a customer (within 90 days): each customer returns with what it had.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The customer's id.") var id: String
        @Option(help: "Who undoes it (recorded in the audit entry).") var user: String?

        func run() throws {
            guard let rowID = RowID(id) else { throw CLIError("\(id) is not a customer id (UUID)") }
            let result = try CRMService(replica: try data.openReplica()).unmergeCustomer(rowID, by: user)
            try Output.printJSON(JSONValue.array(result.customers.map(\.json)))
            FileHandle.standardError.write(Data("undid \(result.unmerged.count) merge(s) naming \(id)\n".utf8))
        }
    }
}
