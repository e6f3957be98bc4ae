import Foundation
import GRDB
import GRDBSQLite
import RooftopModel

/// Binds values straight to a prepared statement's SQLite handle, for the per-row statements of
/// the write, apply and changeset paths: GRDB's `StatementArguments` boxes every value as an
/// existential first, which costs more than the insert itself for a 40-column row.
///
/// Text and blobs are copied into an arena this binding owns and bound `SQLITE_STATIC`, so
/// SQLite does not allocate and copy each one again; ``with(_:_:)`` keeps the arena alive while
/// the statement runs, then clears the bindings and frees it.
struct DirectBinding {
    private let handle: OpaquePointer
    private var index: Int32 = 0
    private var chunks: [UnsafeMutableRawPointer] = []
    private var used = 0
    private var capacity = 0

    private init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `statement` from its first parameter (earlier bindings cleared) in `body`, which
    /// also steps it (``execute(in:)``, or ``step()`` for a query) and reads its rows; GRDB never
    /// steps these statements, as it does not know of these bindings. Afterwards the statement is
    /// reset and its bindings cleared.
    static func with<Result>(_ statement: Statement, _ body: (inout DirectBinding) throws -> Result) rethrows -> Result {
        var binding = DirectBinding(statement)
        defer { binding.release() }
        return try body(&binding)
    }

    /// Runs a query of at most one row: `bind` binds its parameters, `read` reads the row the
    /// statement stepped to (its columns by index through the handle, ``column(_:_:)``).
    /// - Returns: what `read` returns, or nil when the query has no row.
    /// - Throws: `DatabaseError` with SQLite's code and message; what `read` throws.
    static func firstRow<Result>(_ statement: Statement, in db: Database, bind: (inout DirectBinding) -> Void,
                                 read: (OpaquePointer) throws -> Result) throws -> Result? {
        try with(statement) { binding in
            bind(&binding)
            switch binding.step() {
            case SQLITE_ROW: return try read(binding.handle)
            case SQLITE_DONE: return nil
            case let code: throw binding.error(code, in: db)
            }
        }
    }

    private mutating func release() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)  // no binding may point into the freed arena
        for chunk in chunks { free(chunk) }
        chunks = []
    }

    /// A copy of `bytes` in the arena, valid until ``release()``.
    private mutating func store(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        if used + bytes.count > capacity {
            capacity = max(8192, bytes.count)
            chunks.append(malloc(capacity)!)
            used = 0
        }
        let destination = chunks[chunks.count - 1] + used
        destination.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        used += bytes.count
        return UnsafeRawPointer(destination)
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
            let at = index
            v.withUTF8 { utf8 in
                guard !utf8.isEmpty else { _ = sqlite3_bind_text(handle, at, "", 0, Self.transient); return }
                let copy = store(UnsafeRawBufferPointer(utf8))
                _ = sqlite3_bind_text(handle, at, copy.assumingMemoryBound(to: CChar.self), Int32(utf8.count), nil)  // SQLITE_STATIC
            }
        case .blob(let v): bindBlob(v, at: index)
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
        bindBlob(bytes, at: index)
    }

    private mutating func bindBlob(_ bytes: [UInt8], at index: Int32) {
        // An empty blob is a zero-length blob, not NULL (sqlite3_bind_blob with a NULL pointer binds NULL).
        if bytes.isEmpty { sqlite3_bind_zeroblob(handle, index, 0); return }
        let copy = bytes.withUnsafeBytes { store($0) }
        sqlite3_bind_blob(handle, index, copy, Int32(bytes.count), nil)  // SQLITE_STATIC
    }

    /// Steps the bound statement once: `SQLITE_ROW`, `SQLITE_DONE` or an error code.
    func step() -> Int32 { sqlite3_step(handle) }

    /// Runs the bound statement to completion (an INSERT or UPSERT: no rows).
    /// - Throws: `DatabaseError` with SQLite's code and message (a constraint, a full disk).
    func execute(in db: Database) throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(code, in: db) }
    }

    /// The `DatabaseError` for a failed step.
    func error(_ code: Int32, in db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                      sql: sqlite3_sql(handle).map { String(cString: $0) })
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
