import GRDB
import GRDBSQLite
import RooftopModel

/// Binds values straight to a prepared statement's SQLite handle (`sqlite3_bind_*`, copied with
/// `SQLITE_TRANSIENT`), for the per-row statements of the write and apply paths: GRDB's
/// `StatementArguments` boxes every value as an existential first, which costs more than the
/// insert itself for a 40-column row.
struct DirectBinding {
    private let handle: OpaquePointer
    private var index: Int32 = 0

    /// Starts binding `statement` from its first parameter (clearing earlier bindings). The
    /// statement is then stepped through the handle (``execute(in:)``, or `sqlite3_step` for a
    /// query), never by GRDB, which does not know of these bindings.
    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Runs the bound statement to completion (an INSERT or UPSERT: no rows), then resets it.
    /// - Throws: `DatabaseError` with SQLite's code and message (a constraint, a full disk).
    func execute(in db: Database) throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: sqlite3_sql(handle).map { String(cString: $0) })
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    mutating func bind(_ value: FieldValue) {
        index += 1
        switch value {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let v): sqlite3_bind_int64(handle, index, v)
        case .real(let v): sqlite3_bind_double(handle, index, v)
        case .text(var v):
            // With its byte count: text may hold U+0000, which a C-string length would cut at.
            v.withUTF8 { utf8 in
                guard let base = utf8.baseAddress, !utf8.isEmpty else { _ = sqlite3_bind_text(handle, index, "", 0, Self.transient); return }
                _ = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(utf8.count), Self.transient)
                }
            }
        case .blob(let v): bind(bytes: v)
        }
    }

    mutating func bind(_ value: String?) {
        guard let value else { index += 1; sqlite3_bind_null(handle, index); return }
        bind(.text(value))
    }

    mutating func bind(_ value: Int64?) {
        guard let value else { index += 1; sqlite3_bind_null(handle, index); return }
        bind(.integer(value))
    }

    mutating func bind(bytes: [UInt8]) {
        index += 1
        // An empty blob is a zero-length blob, not NULL (sqlite3_bind_blob with a NULL pointer binds NULL).
        if bytes.isEmpty { sqlite3_bind_zeroblob(handle, index, 0); return }
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Column `index` of the row `handle` has just stepped to.
    static func column(_ handle: OpaquePointer, _ index: Int32) -> FieldValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard let text = sqlite3_column_text(handle, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let blob = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default: return .null
        }
    }
}
