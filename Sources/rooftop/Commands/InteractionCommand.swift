import ArgumentParser
import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore

struct InteractionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "interaction", abstract: "Record, search and schedule customer interactions.",
                                                    subcommands: [Add.self, Search.self, Bulk.self, Schedule.self, FollowUps.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an interaction (call, visit, e-mail ...); prints its id.")
        @OptionGroup var data: DataOptions
        @Option(help: "The customer's id.") var customer: String
        @Option(help: "Call, Email, SMS, In-Person, Web or Social.") var type: String
        @Option(help: "Inbound or Outbound.") var direction: String?
        @Option var subject: String?
        @Option var content: String?
        @Option var outcome: String?
        @Option(help: "Any interaction field as name=value; repeatable (tags=a,b).") var set: [String] = []

        func run() throws {
            var object = try CRMCommand.body(CRMSchema.customerInteraction, set: set, json: nil)
            object["customerId"] = .string(customer)
            object["type"] = .string(type)
            if let direction { object["direction"] = .string(direction) }
            if let subject { object["subject"] = .string(subject) }
            if let content { object["content"] = .string(content) }
            if let outcome { object["outcome"] = .string(outcome) }
            print(try CRMService(replica: data.openReplica()).create(CRMSchema.customerInteraction, object).row.id)
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Interactions matching every filter, newest first.")
        @OptionGroup var data: DataOptions
        @Option var customer: String?
        @Option var type: String?
        @Option var direction: String?
        @Option var user: String?
        @Option(help: "interactionDate at or after (RFC 3339).") var from: String?
        @Option(help: "interactionDate before (RFC 3339).") var to: String?
        @Option(help: "A tag (repeatable).") var tag: [String] = []
        @Argument(help: "Words in subject or content.") var words: [String] = []
        @Option var limit = CRMService.defaultLimit
        @Option var cursor: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            var search = InteractionSearch()
            search.customerId = try customer.map(CRMCommand.id)
            search.userId = try user.map(CRMCommand.id)
            search.type = try type.map { try CRMSchema.customerInteraction.field("type")!.type.storedValue(for: .string($0), at: "/type").textValue! }
            search.direction = try direction.map { try CRMSchema.customerInteraction.field("direction")!.type.storedValue(for: .string($0), at: "/direction").textValue! }
            search.from = try from.map { guard let v = Timestamp.normaliseDateTime($0) else { throw CLIError("--from must be RFC 3339") }; return v }
            search.to = try to.map { guard let v = Timestamp.normaliseDateTime($0) else { throw CLIError("--to must be RFC 3339") }; return v }
            search.tags = tag
            search.words = words.isEmpty ? nil : words.joined(separator: " ")
            guard (1...CRMService.maxLimit).contains(limit) else { throw CLIError("--limit must be 1-\(CRMService.maxLimit)") }
            search.limit = limit
            search.cursor = cursor
            let page = try CRMService(replica: data.openReplica()).searchInteractions(search)
            try CRMCommand.printRows(page.items, json: json, nextCursor: page.nextCursor)
        }
    }

    struct Bulk: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the interactions of a JSON file (an array, at most 1,000): all or none.")
        @OptionGroup var data: DataOptions
        @Argument var file: String

        func run() throws {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: try readUserFile(file)), case .array(let items) = value else {
                throw CLIError("\(file) must hold a JSON array of interactions")
            }
            for document in try CRMService(replica: data.openReplica()).recordInteractions(items) { print(document.row.id) }
        }
    }

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule a future interaction for a user; prints its id.")
        @OptionGroup var data: DataOptions
        @Option var customer: String
        @Option var type: String
        @Option(help: "When (RFC 3339).") var at: String
        @Option(help: "The user it is assigned to (UUID).") var assignee: String
        @Option var subject: String?

        func run() throws {
            var body: [String: JSONValue] = ["customerId": .string(customer), "type": .string(type), "scheduledFor": .string(at), "assignedToId": .string(assignee)]
            if let subject { body["subject"] = .string(subject) }
            print(try CRMService(replica: data.openReplica()).create(CRMSchema.scheduledInteraction, body).row.id)
        }
    }

    struct FollowUps: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "follow-ups", abstract: "A user's scheduled interactions for one day.")
        @OptionGroup var data: DataOptions
        @Option(help: "The user (UUID).") var assignee: String
        @Option(help: "The day, YYYY-MM-DD (UTC).") var day: String
        @Flag(help: "Also Completed and Cancelled ones.") var all = false
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let items = try CRMService(replica: data.openReplica()).followUps(assignedTo: try CRMCommand.id(assignee), day: day, includeClosed: all)
            try CRMCommand.printRows(items, json: json)
        }
    }
}
