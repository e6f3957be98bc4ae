import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// One page of a collection: visible rows of an entity filtered by equality on fields, ranges,
/// and conditions from code, in a stable order (a sort field, then `id`), after a keyset cursor.
///
/// Keyset pagination: the cursor holds the last row's sort value and id, so a page costs one
/// index descent whatever its depth, and rows written meanwhile never shift a page.
public struct ListQuery: Sendable {
    /// A field equal to a value; for a list field (`tags`), a list holding the value.
    public struct Filter: Sendable {
        public let field: String
        public let value: FieldValue
        public init(_ field: String, _ value: FieldValue) { self.field = field; self.value = value }
    }

    /// A field within `[lower, upper)` (either bound optional), compared as stored (canonical UTC text for date-times).
    public struct Range: Sendable {
        public let field: String
        public let lower: FieldValue?
        public let upper: FieldValue?
        public init(_ field: String, from lower: FieldValue?, before upper: FieldValue?) { self.field = field; self.lower = lower; self.upper = upper }
    }

    /// A parameterised SQL condition written by code (never by input), on the entity's table.
    public struct Condition: Sendable {
        public let sql: String
        public let arguments: [FieldValue]
        public init(_ sql: String, _ arguments: [FieldValue] = []) { self.sql = sql; self.arguments = arguments }
    }

    /// The entity listed (its visible rows only).
    public var entity: EntitySchema
    /// Equality filters, all required.
    public var filters: [Filter] = []
    /// Ranges, all required.
    public var ranges: [Range] = []
    /// Conditions from code, all required.
    public var conditions: [Condition] = []
    /// The sort field (nil: `id`, creation order for UUIDv7 ids) and its direction.
    public var sort: String?
    public var descending = false
    /// The cursor of the previous page (``ListPage/nextCursor``).
    public var cursor: String?
    /// At most this many rows.
    public var limit: Int

    /// A query for the first page of `entity` in id order, at most `limit` rows (callers bound it: 1...500).
    public init(_ entity: EntitySchema, limit: Int) {
        self.entity = entity
        self.limit = limit
    }

    func run(_ db: Database) throws -> ListPage {
        var clauses: [String] = []
        var arguments: [FieldValue] = []
        for filter in filters {
            guard let spec = entity.field(filter.field) else { throw ReplicaError(.invalid, "\(entity.table) has no field \(filter.field)") }
            let column = filter.field.quotedDatabaseIdentifier
            if case .list = spec.type {
                clauses.append("EXISTS (SELECT 1 FROM json_each(\(column)) WHERE lower(json_each.value) = lower(?))")
            } else {
                clauses.append("\(column) = ?")
            }
            arguments.append(filter.value)
        }
        for range in ranges {
            guard entity.field(range.field) != nil else { throw ReplicaError(.invalid, "\(entity.table) has no field \(range.field)") }
            if let lower = range.lower { clauses.append("\(range.field.quotedDatabaseIdentifier) >= ?"); arguments.append(lower) }
            if let upper = range.upper { clauses.append("\(range.field.quotedDatabaseIdentifier) < ?"); arguments.append(upper) }
        }
        for condition in conditions {
            clauses.append("(\(condition.sql))")
            arguments += condition.arguments
        }
        let sortColumn: String
        if let sort {
            guard entity.field(sort) != nil else { throw ReplicaError(.invalid, "\(entity.table) has no field \(sort)") }
            sortColumn = sort.quotedDatabaseIdentifier
        } else {
            sortColumn = "id"
        }
        if let cursor {
            guard let position = ListCursor(encoded: cursor) else { throw FieldInputError(pointer: "/cursor", reason: "not a cursor this collection issued (use the nextCursor of the previous page)") }
            if sort == nil {
                clauses.append(descending ? "id < ?" : "id > ?")
                arguments.append(.text(position.id.string))
            } else if position.value.isNull {
                // NULL sorts first ascending (SQLite), so last descending.
                clauses.append(descending ? "(\(sortColumn) IS NULL AND id < ?)" : "((\(sortColumn) IS NULL AND id > ?) OR \(sortColumn) IS NOT NULL)")
                arguments.append(.text(position.id.string))
            } else if descending {
                clauses.append("(\(sortColumn) < ? OR (\(sortColumn) = ? AND id < ?) OR \(sortColumn) IS NULL)")
                arguments += [position.value, position.value, .text(position.id.string)]
            } else {
                clauses.append("(\(sortColumn) > ? OR (\(sortColumn) = ? AND id > ?))")
                arguments += [position.value, position.value, .text(position.id.string)]
            }
        }
        let direction = descending ? "DESC" : "ASC"
        let order = sort == nil ? "id \(direction)" : "\(sortColumn) \(direction), id \(direction)"
        let condition = clauses.isEmpty ? "1" : clauses.joined(separator: " AND ")
        let rows = try Replica.storedRows(db, entity, where: condition, suffix: "ORDER BY \(order) LIMIT \(limit + 1)",
                                          arguments: StatementArguments(arguments.map(\.databaseValue)))
        let page = Array(rows.prefix(limit))
        var next: String?
        if rows.count > limit, let last = page.last {
            next = ListCursor(value: sort.map { last[$0] } ?? .null, id: last.id).encoded
        }
        return ListPage(rows: page, nextCursor: next)
    }
}

/// A page of rows and the cursor of the next page (nil on the last page).
public struct ListPage: Sendable {
    /// The page's rows, in the query's order.
    public var rows: [StoredRow]
    /// Opaque base64url text to pass as ``ListQuery/cursor`` for the next page; nil on the last page.
    public var nextCursor: String?
    public init(rows: [StoredRow], nextCursor: String?) { self.rows = rows; self.nextCursor = nextCursor }
}

/// The position after a row in a sorted list: its sort value and id, as opaque base64url text.
struct ListCursor {
    let value: FieldValue
    let id: RowID

    var encoded: String {
        let json: JSONValue = switch value {
        case .integer(let i): .array([.string("i"), .string(String(i)), .string(id.string)])
        case .text(let s): .array([.string("t"), .string(s), .string(id.string)])
        default: .array([.string("n"), .null, .string(id.string)])
        }
        let data = (try? json.encoded()) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(value: FieldValue, id: RowID) { self.value = value; self.id = id }

    init?(encoded: String) {
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard encoded.count <= 4096 else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let json = try? JSONDecoder().decode(JSONValue.self, from: data),
            case .array(let parts) = json, parts.count == 3, case .string(let kind) = parts[0], case .string(let idText) = parts[2],
            let id = RowID(idText)
        else { return nil }
        switch (kind, parts[1]) {
        case ("i", .string(let s)): guard let i = Int64(s) else { return nil }; value = .integer(i)
        case ("t", .string(let s)): value = .text(s)
        case ("n", .null): value = .null
        default: return nil
        }
        self.id = id
    }
}
