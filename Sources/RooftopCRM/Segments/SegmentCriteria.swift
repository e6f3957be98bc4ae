import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A segment's `criteria` (and a campaign's `filterCriteria`): a tree of groups over customer data,
/// validated on write and compiled to a parameterised SQL condition on `customer` — values are
/// always bound, never spliced (`sync-protocol/segment-criteria.md`).
///
/// ```json
/// {"and": [
///   {"field": "loyaltyTier", "op": "in", "value": ["Gold", "Platinum"]},
///   {"or": [{"field": "vehicle.make", "op": "eq", "value": "Toyota"},
///           {"not": {"field": "tags", "op": "eq", "value": "fleet"}}]},
///   {"field": "interaction.count", "type": "Call", "op": "gt", "value": 2}
/// ]}
/// ```
/// Groups: `and`, `or` (non-empty arrays), `not` (one node). Conditions: `field`, `op`, `value`
/// (and `type` for `interaction.count`). Operators: `eq`, `ne`, `in`, `lt`, `gt`, `between`
/// (`[low, high]`, inclusive), `startsWith`, `contains`, `exists` (`true`/`false`),
/// `withinLastDays` (a whole number of days before now). At most 32 levels deep and 200 conditions.
public struct SegmentCriteria: Sendable {
    /// The compiled condition: SQL over the `customer` table and its bound arguments.
    public let sql: String
    public let arguments: [FieldValue]

    /// The fields a condition may name, and the SQL each reads.
    enum Source {
        /// A column of `customer`.
        case customer(FieldSpec)
        /// A field of some row of a child table: `EXISTS (SELECT 1 FROM <table> WHERE customerId = customer.id AND <column> …)`.
        case child(table: String, FieldSpec, join: String?)
        /// An aggregate over a child table (count, max, sum).
        case aggregate(sql: String, type: FieldType, typeFilter: Bool)
        /// The customer's present tags (add-wins set).
        case tags
    }

    static let maxDepth = 32
    static let maxConditions = 200

    static let vehicleJoin = "JOIN vehicle v ON v.id = c.vehicleId AND v._created IS NOT NULL AND v._deleted IS NULL"

    /// The field names a condition may use.
    public static var fieldNames: [String] { sources.keys.sorted() }

    static let sources: [String: Source] = {
        var all: [String: Source] = [:]
        for field in CRMSchema.customer.fields {
            all[field.group.map { "\($0).\(field.name)" } ?? field.name] = .customer(field)
            if field.group != nil { all[field.name] = .customer(field) }
        }
        for name in ["street", "city", "state", "postalCode", "country", "type"] {
            all["address.\(name)"] = .child(table: "customerAddress", CRMSchema.customerAddress.field(name)!, join: nil)
        }
        for name in ["type", "number"] {
            all["phone.\(name)"] = .child(table: "customerPhone", CRMSchema.customerPhone.field(name)!, join: nil)
        }
        for name in ["make", "model", "year", "condition", "vin", "trim"] {
            all["vehicle.\(name)"] = .child(table: "customerVehicle", CRMSchema.vehicle.field(name)!, join: vehicleJoin)
        }
        for name in ["purchaseDate", "status", "relationshipType", "purchaseType", "financeType", "estimatedPayoffDate", "isServicedHere"] {
            all["vehicle.\(name)"] = .child(table: "customerVehicle", CRMSchema.customerVehicle.field(name)!, join: nil)
        }
        all["tags"] = .tags
        // The tier shown (earned from points or set as a floor), not the stored column alone.
        all["loyaltyTier"] = .aggregate(sql: LoyaltyAccount.tierSQL, type: CRMSchema.customer.field("loyaltyTier")!.type, typeFilter: false)
        all["interaction.count"] = .aggregate(sql: "SELECT count(*) FROM customerInteraction i WHERE i.customerId = customer.id AND i._created IS NOT NULL AND i._deleted IS NULL", type: .integer(0...Int64.max), typeFilter: true)
        all["interaction.lastDate"] = .aggregate(sql: "SELECT max(i.interactionDate) FROM customerInteraction i WHERE i.customerId = customer.id AND i._created IS NOT NULL AND i._deleted IS NULL", type: .dateTime, typeFilter: true)
        all["loyalty.points"] = .aggregate(sql: "SELECT coalesce(sum(CASE e.kind WHEN 'Add' THEN e.points ELSE -e.points END), 0) FROM loyaltyEvent e WHERE e.customerId = customer.id AND e._created IS NOT NULL AND e._deleted IS NULL", type: .integer(Int64.min...Int64.max), typeFilter: false)
        all["journey.stage"] = .child(table: "customerJourney", CRMSchema.customerJourney.field("stage")!, join: nil)
        all["journey.substage"] = .child(table: "customerJourney", CRMSchema.customerJourney.field("substage")!, join: nil)
        all["survey.score"] = .child(table: "surveyResponse", CRMSchema.surveyResponse.field("score")!, join: nil)
        all["survey.surveyType"] = .child(table: "customerSurvey", CRMSchema.customerSurvey.field("surveyType")!, join: nil)
        return all
    }()

    /// The operators.
    public static let operators = ["eq", "ne", "in", "lt", "gt", "between", "startsWith", "contains", "exists", "withinLastDays"]

    /// Validates and compiles a criteria tree.
    /// - Parameters:
    ///   - json: the tree.
    ///   - pointer: its JSON Pointer in the request (`/criteria`), for errors.
    ///   - nowMilliseconds: the evaluation time (`withinLastDays`), Unix ms.
    /// - Throws: ``FieldInputError`` naming the JSON Pointer of the first invalid node.
    public init(_ json: JSONValue, at pointer: String, nowMilliseconds: UInt64) throws {
        var compiler = Compiler(now: nowMilliseconds)
        sql = try compiler.node(json, at: pointer, depth: 0)
        arguments = compiler.arguments
    }

    /// Validates a stored criteria text (as ``FieldType/jsonObject`` stores it).
    public init(stored: FieldValue, at pointer: String, nowMilliseconds: UInt64) throws {
        guard case .text(let text) = stored, let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw FieldInputError(pointer: pointer, reason: "expected a criteria object")
        }
        try self.init(json, at: pointer, nowMilliseconds: nowMilliseconds)
    }

    struct Compiler {
        let now: UInt64
        var arguments: [FieldValue] = []
        var conditions = 0

        mutating func node(_ json: JSONValue, at pointer: String, depth: Int) throws -> String {
            guard depth < SegmentCriteria.maxDepth else { throw FieldInputError(pointer: pointer, reason: "nested deeper than \(SegmentCriteria.maxDepth) levels") }
            guard case .object(let object) = json else { throw FieldInputError(pointer: pointer, reason: "expected a group or a condition object, got \(json.kindName)") }
            for group in ["and", "or"] {
                guard let members = object[group] else { continue }
                guard object.count == 1 else { throw FieldInputError(pointer: pointer, reason: "a group has exactly one key (\(group))") }
                guard case .array(let nodes) = members, !nodes.isEmpty else {
                    throw FieldInputError(pointer: "\(pointer)/\(group)", reason: "expected a non-empty array of nodes")
                }
                let parts = try nodes.enumerated().map { try node($1, at: "\(pointer)/\(group)/\($0)", depth: depth + 1) }
                return "(" + parts.joined(separator: group == "and" ? " AND " : " OR ") + ")"
            }
            if let inner = object["not"] {
                guard object.count == 1 else { throw FieldInputError(pointer: pointer, reason: "a group has exactly one key (not)") }
                return "(NOT coalesce(\(try node(inner, at: "\(pointer)/not", depth: depth + 1)), 0))"
            }
            return try condition(object, at: pointer)
        }

        mutating func condition(_ object: [String: JSONValue], at pointer: String) throws -> String {
            conditions += 1
            guard conditions <= SegmentCriteria.maxConditions else { throw FieldInputError(pointer: pointer, reason: "more than \(SegmentCriteria.maxConditions) conditions") }
            for key in object.keys where !["field", "op", "value", "type"].contains(key) {
                throw FieldInputError(pointer: "\(pointer)/\(EntitySchema.escape(key))", reason: "unknown key: a node is {\"and\"|\"or\": [...]}, {\"not\": {...}} or {\"field\", \"op\", \"value\"}")
            }
            guard case .string(let fieldName) = object["field"] ?? .null else { throw FieldInputError(pointer: "\(pointer)/field", reason: "required: a field name") }
            guard let source = SegmentCriteria.sources[fieldName] else {
                throw FieldInputError(pointer: "\(pointer)/field", reason: "unknown field \(fieldName)")
            }
            guard case .string(let op) = object["op"] ?? .null, SegmentCriteria.operators.contains(op) else {
                throw FieldInputError(pointer: "\(pointer)/op", reason: "expected one of \(SegmentCriteria.operators.joined(separator: ", "))")
            }
            var typeFilter: String?
            if let type = object["type"] {
                guard case .aggregate(_, _, true) = source, case .string(let name) = type,
                    let stored = try? CRMSchema.customerInteraction.field("type")!.type.storedValue(for: .string(name), at: "\(pointer)/type"),
                    case .text(let canonical) = stored
                else { throw FieldInputError(pointer: "\(pointer)/type", reason: "type qualifies interaction.count and interaction.lastDate: an interaction type") }
                typeFilter = canonical
            }
            let value = object["value"] ?? .null
            switch source {
            case .customer(let spec):
                return try comparison("customer.\(spec.name.quoted)", spec.type, op, value, at: pointer)
            case .child(let table, let spec, let join):
                let alias = join == nil ? "x" : "c"
                // With the vehicle join, the field is the vehicle's (v); otherwise the child row's own (x).
                let column = (join == nil ? "x." : "v.") + spec.name.quoted
                if op == "exists" {
                    guard case .bool(let wanted) = value else { throw FieldInputError(pointer: "\(pointer)/value", reason: "exists takes true or false") }
                    let sub = "EXISTS (SELECT 1 FROM \(table) \(alias) \(join ?? "") WHERE \(alias).customerId = customer.id AND \(alias)._created IS NOT NULL AND \(alias)._deleted IS NULL AND \(column) IS NOT NULL)"
                    return wanted ? sub : "NOT \(sub)"
                }
                if op == "ne" {
                    // "no row has this value" reads as staff expect (a customer without a Toyota).
                    let inner = try comparison(column, spec.type, "eq", value, at: pointer)
                    return "NOT EXISTS (SELECT 1 FROM \(table) \(alias) \(join ?? "") WHERE \(alias).customerId = customer.id AND \(alias)._created IS NOT NULL AND \(alias)._deleted IS NULL AND \(inner))"
                }
                let inner = try comparison(column, spec.type, op, value, at: pointer)
                return "EXISTS (SELECT 1 FROM \(table) \(alias) \(join ?? "") WHERE \(alias).customerId = customer.id AND \(alias)._created IS NOT NULL AND \(alias)._deleted IS NULL AND \(inner))"
            case .aggregate(let sql, let type, _):
                var query = sql
                if let typeFilter {
                    query += " AND i.type = ?"
                    arguments.append(.text(typeFilter))
                }
                return try comparison("(\(query))", type, op, value, at: pointer)
            case .tags:
                let element = FieldType.text(maxLength: 64)
                let present = "SELECT 1 FROM customerTag t WHERE t.customerId = customer.id AND t._created IS NOT NULL AND t._deleted IS NULL AND coalesce(t.removed, 0) = 0"
                switch op {
                case "exists":
                    guard case .bool(let wanted) = value else { throw FieldInputError(pointer: "\(pointer)/value", reason: "exists takes true or false") }
                    return wanted ? "EXISTS (\(present))" : "NOT EXISTS (\(present))"
                case "eq", "ne":
                    let tag = try scalar(element, value, at: "\(pointer)/value")
                    arguments.append(tag)
                    return (op == "eq" ? "" : "NOT ") + "EXISTS (\(present) AND lower(t.tag) = lower(?))"
                case "in":
                    let tags = try list(element, value, at: "\(pointer)/value")
                    arguments += tags
                    return "EXISTS (\(present) AND lower(t.tag) IN (\(tags.map { _ in "lower(?)" }.joined(separator: ", "))))"
                default:
                    throw FieldInputError(pointer: "\(pointer)/op", reason: "tags take eq, ne, in or exists")
                }
            }
        }

        /// `column op value`, the value validated and normalised for the field's type.
        mutating func comparison(_ column: String, _ type: FieldType, _ op: String, _ value: JSONValue, at pointer: String) throws -> String {
            let valuePointer = "\(pointer)/value"
            let comparable: Bool = switch type {
            case .integer, .decimal, .date, .dateTime, .text, .email, .phone, .vin, .uuid, .enumeration: true
            default: false
            }
            let column = type == .decimal ? "CAST(\(column) AS REAL)" : column
            // Free text compares without regard to case (ASCII), as staff type it: "toyota" finds "Toyota".
            let collate: String = if case .text = type { " COLLATE NOCASE" } else { "" }
            switch op {
            case "eq", "ne":
                let v = try scalar(type, value, at: valuePointer)
                arguments.append(v)
                return op == "eq" ? "\(column) = ?\(collate)" : "(\(column) IS NULL OR \(column) <> ?\(collate))"
            case "in":
                let values = try list(type, value, at: valuePointer)
                arguments += values
                return "\(column)\(collate) IN (\(values.map { _ in "?" }.joined(separator: ", ")))"
            case "lt", "gt":
                guard comparable else { throw FieldInputError(pointer: "\(pointer)/op", reason: "\(op) needs a field that orders (number, date, text)") }
                arguments.append(try scalar(type, value, at: valuePointer))
                return "\(column) \(op == "lt" ? "<" : ">") ?"
            case "between":
                guard comparable else { throw FieldInputError(pointer: "\(pointer)/op", reason: "between needs a field that orders") }
                guard case .array(let bounds) = value, bounds.count == 2 else { throw FieldInputError(pointer: valuePointer, reason: "between takes [low, high]") }
                arguments.append(try scalar(type, bounds[0], at: "\(valuePointer)/0"))
                arguments.append(try scalar(type, bounds[1], at: "\(valuePointer)/1"))
                return "\(column) BETWEEN ? AND ?"
            case "startsWith", "contains":
                guard case .string(let text) = value, !text.isEmpty, text.count <= 256 else {
                    throw FieldInputError(pointer: valuePointer, reason: "\(op) takes a non-empty string of at most 256 characters")
                }
                guard case .text = type else {
                    if case .email = type {} else if case .enumeration = type {} else {
                        throw FieldInputError(pointer: "\(pointer)/op", reason: "\(op) needs a text field")
                    }
                    return try like(column, op, text)
                }
                return try like(column, op, text)
            case "exists":
                guard case .bool(let wanted) = value else { throw FieldInputError(pointer: valuePointer, reason: "exists takes true or false") }
                return wanted ? "\(column) IS NOT NULL" : "\(column) IS NULL"
            case "withinLastDays":
                guard type == .dateTime || type == .date else { throw FieldInputError(pointer: "\(pointer)/op", reason: "withinLastDays needs a date or date-time field") }
                guard case .number(let days) = value, days.rounded() == days, days >= 0, days <= 36_500 else {
                    throw FieldInputError(pointer: valuePointer, reason: "withinLastDays takes a whole number of days, 0...36500")
                }
                let since = now - min(now, UInt64(days) * 86_400_000)
                let bound = Timestamp.string(milliseconds: since)
                arguments.append(.text(type == .date ? String(bound.prefix(10)) : bound))
                return "\(column) >= ?"
            default:
                throw FieldInputError(pointer: "\(pointer)/op", reason: "unknown operator")
            }
        }

        mutating func like(_ column: String, _ op: String, _ text: String) throws -> String {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            arguments.append(.text(op == "startsWith" ? "\(escaped)%" : "%\(escaped)%"))
            return "\(column) LIKE ? ESCAPE '\\'"
        }

        func scalar(_ type: FieldType, _ value: JSONValue, at pointer: String) throws -> FieldValue {
            switch value {
            case .array, .object, .null: throw FieldInputError(pointer: pointer, reason: "expected one value, got \(value.kindName)")
            default: break
            }
            if case .integer = type, case .number(let d) = value, d.rounded() == d, abs(d) < 9e15 { return .integer(Int64(d)) }
            let stored = try type.storedValue(for: value, at: pointer)
            guard !stored.isNull else { throw FieldInputError(pointer: pointer, reason: "expected a value (use exists to test for none)") }
            return stored
        }

        func list(_ type: FieldType, _ value: JSONValue, at pointer: String) throws -> [FieldValue] {
            guard case .array(let items) = value, !items.isEmpty, items.count <= 500 else { throw FieldInputError(pointer: pointer, reason: "in takes a non-empty array of at most 500 values") }
            return try items.enumerated().map { try scalar(type, $1, at: "\(pointer)/\($0)") }
        }
    }
}

extension String {
    /// An SQL identifier in double quotes.
    var quoted: String { "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
