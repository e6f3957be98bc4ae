import ArgumentParser
import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore

/// `rooftop crm`: every declared collection (``EntityResource``) from the command line, as the REST
/// API serves it: list, show, add, update, delete, restore. Works on the local replica, hub or no hub.
struct CRMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm", abstract: "Campaigns, segments, surveys, journeys, interactions, vehicles, rewards ...: list, show, add, update, delete, restore.",
        discussion: "Collections: \(CRMSchema.resources.map { collectionName($0) }.joined(separator: ", ")). Fields are the design document's names; nested ones (content.subject) are set by their leaf name.",
        subcommands: [List.self, Show.self, Add.self, Update.self, Delete.self, Restore.self])

    /// The command-line name of a collection: its REST path with `/` as `-` (`loyalty-rewards`).
    static func collectionName(_ entity: EntitySchema) -> String { entity.resource!.path.replacingOccurrences(of: "/", with: "-") }

    static func entity(_ name: String) throws -> EntitySchema {
        guard let entity = CRMSchema.resources.first(where: { collectionName($0) == name || $0.resource?.path == name }) else {
            throw CLIError("no collection \(name): one of \(CRMSchema.resources.map { collectionName($0) }.joined(separator: ", "))")
        }
        return entity
    }

    static func id(_ text: String) throws -> RowID {
        guard let id = RowID(text) else { throw CLIError("\(text) is not an id (UUID)") }
        return id
    }

    /// The body from `--set name=value` pairs and/or a JSON object (`--body '{...}'`).
    static func body(_ entity: EntitySchema, set: [String], json: String?) throws -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        if let json {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)), case .object(let parsed) = value else {
                throw CLIError("--body must be a JSON object")
            }
            object = parsed
        }
        for (key, value) in try Output.jsonObject(from: set, entity: entity) {
            if case .object(let inner) = value, case .object(let existing) = object[key] ?? .null {
                object[key] = .object(existing.merging(inner) { $1 })
            } else {
                object[key] = value
            }
        }
        // A list field set on the command line as a,b,c.
        for spec in entity.fields {
            guard case .list = spec.type else { continue }
            if let group = spec.group, case .object(var inner) = object[group] ?? .null, case .string(let text) = inner[spec.name] ?? .null {
                inner[spec.name] = .array(text.split(separator: ",").map { .string(String($0)) })
                object[group] = .object(inner)
            } else if case .string(let text) = object[spec.name] ?? .null {
                object[spec.name] = .array(text.split(separator: ",").map { .string(String($0)) })
            }
        }
        return object
    }

    /// Prints rows as JSON or one line each: id and the fields staff recognise a row by.
    static func printRows(_ documents: [EntityDocument], json: Bool, nextCursor: String? = nil) throws {
        if json {
            try Output.printJSON(JSONValue.object(["items": .array(documents.map { .object($0.json) }), "nextCursor": nextCursor.map(JSONValue.string) ?? .null]))
            return
        }
        for document in documents { print(line(document)) }
        if let nextCursor { print("more: --cursor \(nextCursor)") }
    }

    static func line(_ document: EntityDocument) -> String {
        let entity = document.row.entity
        let keys = (entity.resource?.required ?? []) + ["status", "stage", "scheduledFor", "surveyType", "subject", "year", "make", "model", "vin",
                                                         "campaignId", "channel", "variant", "statusReason", "memberCount"]
        var seen = Set<String>()
        let parts = keys.filter { seen.insert($0).inserted && entity.field($0) != nil }.compactMap { key -> String? in
            let value: String?
            if key == "memberCount", case .number(let n)? = document.json[key] { value = String(Int(n)) } else {
                value = document.row[key].textValue ?? document.row[key].integerValue.map(String.init)
            }
            guard let value else { return nil }
            return "\(key)=\(value)"
        }
        return ([document.row.id.string] + parts).joined(separator: "  ")
    }

    static func printDocument(_ document: EntityDocument) throws {
        try Output.printJSON(JSONValue.object(document.json))
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A page of a collection (filters as name=value, sort by a field or -field).")
        @OptionGroup var data: DataOptions
        @Argument(help: "The collection (campaigns, segments, surveys, ...).") var collection: String
        @Option(name: .customLong("where"), help: "A filter, name=value (repeatable; the collection's declared filters).") var filters: [String] = []
        @Option(help: "Sort field, - for descending.") var sort: String?
        @Option(help: "At most this many (1-500).") var limit = CRMService.defaultLimit
        @Option(help: "The cursor the previous page printed.") var cursor: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let entity = try CRMCommand.entity(collection)
            guard (1...CRMService.maxLimit).contains(limit) else { throw CLIError("--limit must be 1-\(CRMService.maxLimit)") }
            var query = ListQuery(entity, limit: limit)
            query.cursor = cursor
            if let sort {
                let field = sort.hasPrefix("-") ? String(sort.dropFirst()) : sort
                guard entity.resource?.sorts.contains(field) == true else { throw CLIError("--sort: one of \(entity.resource?.sorts.joined(separator: ", ") ?? "")") }
                query.sort = field
                query.descending = sort.hasPrefix("-")
            }
            for filter in filters {
                guard let eq = filter.firstIndex(of: "="), entity.resource?.filters.contains(String(filter[..<eq])) == true, let spec = entity.field(String(filter[..<eq])) else {
                    throw CLIError("--where name=value with name one of \(entity.resource?.filters.joined(separator: ", ") ?? "")")
                }
                let raw = String(filter[filter.index(after: eq)...])
                var type = spec.type
                if case .list(let element, _) = type { type = element }
                let json: JSONValue = switch type {
                case .boolean: .bool(raw == "true")
                case .integer: .number(Double(raw) ?? .nan)
                default: .string(raw)
                }
                query.filters.append(.init(spec.name, try type.storedValue(for: json, at: "/\(spec.name)")))
            }
            let page = try CRMService(replica: data.openReplica()).list(query)
            try CRMCommand.printRows(page.items, json: json, nextCursor: page.nextCursor)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row, as JSON (with its derived values).")
        @OptionGroup var data: DataOptions
        @Argument var collection: String
        @Argument var id: String

        func run() throws {
            try CRMCommand.printDocument(try CRMService(replica: data.openReplica()).get(try CRMCommand.entity(collection), id: try CRMCommand.id(id)))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a row; prints its id (or the row with --json).")
        @OptionGroup var data: DataOptions
        @Argument var collection: String
        @Option(help: "A field as name=value (repeatable; lists as a,b,c).") var set: [String] = []
        @Option(help: "The row as a JSON object (the REST body).") var body: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let entity = try CRMCommand.entity(collection)
            guard entity.resource?.writable == true else { throw CLIError("\(collection) is written by its actions, not by hand") }
            let document = try CRMService(replica: data.openReplica()).create(entity, try CRMCommand.body(entity, set: set, json: body))
            if json { try CRMCommand.printDocument(document) } else { print(document.row.id) }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the fields given (null clears); prints the row with --json.")
        @OptionGroup var data: DataOptions
        @Argument var collection: String
        @Argument var id: String
        @Option(help: "A field as name=value (repeatable).") var set: [String] = []
        @Option(help: "The changes as a JSON object.") var body: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            let entity = try CRMCommand.entity(collection)
            guard entity.resource?.writable == true else { throw CLIError("\(collection) is written by its actions, not by hand") }
            let document = try CRMService(replica: data.openReplica()).update(entity, id: try CRMCommand.id(id), try CRMCommand.body(entity, set: set, json: body))
            if json { try CRMCommand.printDocument(document) } else { print(CRMCommand.line(document)) }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a row (a tombstone; restore brings it back).")
        @OptionGroup var data: DataOptions
        @Argument var collection: String
        @Argument var id: String

        func run() throws {
            let entity = try CRMCommand.entity(collection)
            // As the REST API: read-only collections (leads, merges, the outbox) change only through their actions.
            guard entity.resource?.writable == true else { throw CLIError("\(collection) is written by its actions, not by hand") }
            try CRMService(replica: data.openReplica()).delete(entity, id: try CRMCommand.id(id))
            print("deleted")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring a deleted row back.")
        @OptionGroup var data: DataOptions
        @Argument var collection: String
        @Argument var id: String

        func run() throws {
            let entity = try CRMCommand.entity(collection)
            guard entity.resource?.writable == true else { throw CLIError("\(collection) is written by its actions, not by hand") }
            print(CRMCommand.line(try CRMService(replica: data.openReplica()).restore(entity, id: try CRMCommand.id(id))))
        }
    }
}
