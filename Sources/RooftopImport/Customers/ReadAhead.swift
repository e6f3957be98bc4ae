import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore

/// A chunk of an import file's rows (a bulk load's thousand, else a whole batch), read, validated
/// and turned into writes; the batch (a transaction) the chunk belongs to ends with it when ``endsBatch``.
struct ReadChunk {
    /// A valid row, with what writing it takes.
    struct Row {
        let line: Int
        let id: RowID
        let input: CustomerInput
        let ownID: Bool
        let keyed: ExternalKey?
        let children: [CustomerImporter.ChildID]
        let writes: [LocalWrite]
    }

    var rows: [Row] = []
    /// Lines rejected as they were read, in line order.
    var rejected: [(line: Int, reason: String)] = []
    /// Rows naming the same customer as an earlier row of the batch: counted as already imported.
    var repeated = 0
    /// The source's data rows read when the chunk ended (blank and rejected lines included).
    var rowsRead = 0
    /// Whether the chunk ends its batch: its rows and the rows of the chunks before it since the
    /// last batch's end are written in one transaction.
    var endsBatch = false
}

/// Reads an import's rows on a thread of its own, a chunk ahead of the chunk being written, so
/// that parsing and validating the file (CSV or JSON Lines; about a third of an unchecked import's
/// CPU) runs on one core while SQLite writes on the other.
///
/// Rows come out as they would from reading in line: batches end where the source's data row count
/// reaches a multiple of `batchSize`, chunks there and where it reaches a multiple of `chunkSize`; a
/// repeated id or a phone or address id repeated inside a batch is found in it; the source's failure
/// (``CustomerRowSource/checkEnd(importing:)``) is thrown by ``next()`` after the chunks read before
/// it and instead of the last one. At most three chunks are held whatever the batch size: the one
/// being written, the one read ahead, and the one being read.
///
/// The reader's thread owns the source (its reader and stream): nothing of it is shared with the
/// writer (``CustomerRowSource/storedInput`` is a value of the source's settings).
final class ReadAhead: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: ReadChunk?
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var exited = false

    /// Runs `body` with a reader of `source` (which the reader's thread then owns), and stops the
    /// reader and waits for its thread to end when `body` returns or throws.
    /// - Parameters:
    ///   - batchSize: rows a transaction holds (at least 1).
    ///   - chunkSize: rows a chunk holds at most (at least 1).
    /// - Returns, Throws: what `body` returns or throws.
    static func reading<T>(_ source: consuming any CustomerRowSource, batchSize: Int, chunkSize: Int, service: CRMService,
                           _ body: (ReadAhead) throws -> T) throws -> T {
        precondition(batchSize > 0 && chunkSize > 0, "a batch and a chunk hold at least one row")
        let reader = ReadAhead(source, batchSize: batchSize, chunkSize: chunkSize, service: service)
        defer { reader.stop() }
        return try body(reader)
    }

    private init(_ source: consuming any CustomerRowSource, batchSize: Int, chunkSize: Int, service: CRMService) {
        // Moves the source to the reader's thread (`Thread` takes a `@Sendable` block); only that
        // thread touches it from here on.
        final class Handoff: @unchecked Sendable {
            var source: any CustomerRowSource
            init(_ source: consuming any CustomerRowSource) { self.source = source }
        }
        let handoff = Handoff(source)
        let thread = Thread { [self] in
            self.read(&handoff.source, batchSize: batchSize, chunkSize: chunkSize, service: service)
        }
        thread.name = "rooftop-import-reader"
        thread.start()
    }

    /// The next chunk, waiting for it to be read; nil after the last.
    /// - Throws: what reading failed with (the input unreadable midway: ``CustomerImportError``).
    func next() throws -> ReadChunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready == nil && !finished { condition.wait() }
        if let chunk = ready {
            ready = nil
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops reading and waits for the reader's thread to end (it looks every 100 rows).
    private func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }

    private func read(_ source: inout any CustomerRowSource, batchSize: Int, chunkSize: Int, service: CRMService) {
        var chunk = ReadChunk()
        // The batch's customers (``CustomerRow/identity(_:_:)``), with the hash of a keyed row
        // (``ExternalKey``), and its phone and address ids.
        var ids: [RowID: (line: Int, hash: Data?)] = [:], childIDs = Set<RowID>()
        var failure: (any Error)?
        reading: do {
            while let row = source.next() {
                let line = source.line
                do {
                    switch row {
                    case .blank: break  // nothing to import, nothing wrong
                    case .rejected(let error): throw error
                    case .customer(let id, let input, let ownID, let keyed):
                        let identity = CustomerRow.identity(id, keyed)
                        if let earlier = ids[identity] {
                            if let keyed, let hash = earlier.hash, hash != keyed.contentHash {
                                throw CustomerImporter.keyTaken(keyed, earlier: "on line \(earlier.line)")
                            }
                            chunk.repeated += 1
                        } else {
                            let children = CustomerImporter.childIDs(input)
                            if let taken = children.first(where: { childIDs.contains($0.id) }) {
                                throw FieldInputError(pointer: taken.pointer, reason: "the id of a phone or address on an earlier line")
                            }
                            let writes = try service.customerCreationWrites(input, id: id, derivedTagIDs: true)
                            chunk.rows.append(ReadChunk.Row(line: line, id: id, input: input, ownID: ownID, keyed: keyed, children: children, writes: writes))
                            ids[identity] = (line, keyed?.contentHash)
                            childIDs.formUnion(children.map(\.id))
                        }
                    }
                } catch let error as FieldInputError {
                    chunk.rejected.append((line, error.reported(line: line)))
                }
                if source.rows % chunkSize == 0 || source.rows % batchSize == 0 {
                    chunk.rowsRead = source.rows
                    chunk.endsBatch = source.rows % batchSize == 0
                    guard hand(chunk) else { break reading }
                    if chunk.endsBatch {
                        ids.removeAll(keepingCapacity: true)
                        childIDs.removeAll(keepingCapacity: true)
                    }
                    chunk = ReadChunk()
                } else if source.rows % 100 == 0, isCancelled {
                    break reading
                }
            }
            try source.checkEnd(importing: true)
            chunk.rowsRead = source.rows
            chunk.endsBatch = true
            _ = hand(chunk)
        } catch {
            failure = error
        }
        condition.lock()
        self.failure = failure
        finished = true
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Hands `chunk` to the writer once it has taken the one before; false when stopped meanwhile.
    private func hand(_ chunk: ReadChunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready != nil && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        ready = chunk
        condition.broadcast()
        return true
    }
}
