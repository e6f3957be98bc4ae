import Foundation
import RooftopModel
import RooftopStore

enum Output {
    /// Prints a JSON value, pretty, with sorted keys.
    static func printJSON(_ value: JSONValue) throws {
        print(String(decoding: try value.encoded(pretty: true), as: UTF8.self))
    }

    /// Prints an Encodable as pretty JSON.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// One line per customer: id, name, e-mail, first phone.
    static func printCustomerLines(_ records: [CustomerRecord]) {
        for record in records {
            let c = record.customer
            let name = [c["firstName"].textValue, c["lastName"].textValue].compactMap { $0 }.joined(separator: " ")
            let display = name.isEmpty ? (c["businessName"].textValue ?? "") : name
            let phone = record.phones.first?["number"].textValue ?? "-"
            print([c.id.string, display, c["email"].textValue ?? "-", phone].joined(separator: "  "))
        }
    }

    /// Builds a JSON object from `name=value` pairs, placing each field where the design
    /// document nests it. Values `true`, `false`, `null` and numbers are read as JSON; the rest
    /// as text.
    static func jsonObject(from assignments: [String], entity: EntitySchema) throws -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for assignment in assignments {
            guard let eq = assignment.firstIndex(of: "=") else { throw CLIError("--set expects name=value, got \(assignment)") }
            let name = String(assignment[..<eq])
            let raw = String(assignment[assignment.index(after: eq)...])
            let value: JSONValue = switch raw {
            case "true": .bool(true)
            case "false": .bool(false)
            case "null": .null
            default: Double(raw).map(JSONValue.number) ?? .string(raw)
            }
            guard let spec = entity.field(name) else { throw CLIError("\(entity.table) has no field \(name)") }
            let numeric: Bool = switch spec.type {
            case .integer, .decimal: true
            default: false
            }
            let typed: JSONValue = if !numeric, case .number = value { .string(raw) } else { value }
            if let group = spec.group {
                var inner = object[group]?.objectValue ?? [:]
                inner[name] = typed
                object[group] = .object(inner)
            } else {
                object[name] = typed
            }
        }
        return object
    }
}
