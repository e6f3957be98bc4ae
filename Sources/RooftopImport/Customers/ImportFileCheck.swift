import Foundation

/// The check an import file passes before any row is read: UTF-8 text (RFC 3629) throughout, and,
/// for JSON Lines, a JSON object on its first line. A file in another encoding (Latin-1, UTF-16 as
/// Windows saves "Unicode" text) would otherwise be read as wrong characters or split into wrong
/// fields without a word; a CSV named `.jsonl` would be rejected line by line.
enum ImportFileCheck {
    /// Reads `stream` (opened and closed here) in 1 MiB chunks.
    /// - Throws: ``CustomerImportError`` naming the first line that is not UTF-8 or holds a NUL
    ///   byte, or a JSON Lines file whose first line is not a JSON object; nothing is imported then.
    static func check(_ stream: InputStream?, name path: String, format: CustomerFileFormat) throws {
        guard let stream else { throw CustomerImportError("\(path): cannot be read") }
        stream.open()
        defer { stream.close() }
        var pending: [UInt8] = [], line = 1, firstLineChecked = format != .jsonl
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        func checkLines(_ bytes: ArraySlice<UInt8>) throws {
            // Whole lines without their breaks (0x0A is never part of a multi-byte sequence).
            for text in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                if text.contains(0) || String(validating: text, as: UTF8.self) == nil {
                    let utf16 = line == 1 && (text.starts(with: [0xFF, 0xFE]) || text.starts(with: [0xFE, 0xFF]) || text.contains(0))
                    throw CustomerImportError("\(path): line \(line) is not UTF-8 text" + (utf16 ? " (UTF-16?)" : "") + ": save the file as UTF-8; nothing imported")
                }
                if !firstLineChecked {
                    let start = text.starts(with: [0xEF, 0xBB, 0xBF]) ? text.dropFirst(3) : text
                    if let first = start.first(where: { ![0x20, 0x09, 0x0D].contains($0) }) {
                        guard first == UInt8(ascii: "{") else {
                            throw CustomerImportError("\(path): not JSON Lines: line \(line) is not a JSON object (one Customer object per line; a CSV file? use --format csv); nothing imported")
                        }
                        firstLineChecked = true
                    }
                }
                line += 1
            }
        }
        while true {
            let read = stream.read(&chunk, maxLength: chunk.count)
            if read < 0 { throw CustomerImportError("\(path): cannot be read (\(stream.streamError.map { "\($0)" } ?? "read failed"))") }
            if read == 0 { break }
            pending += chunk[..<read]
            if let lastBreak = pending.lastIndex(of: 0x0A) {
                try checkLines(pending[..<lastBreak])
                pending.removeFirst(lastBreak + 1)
            }
        }
        if !pending.isEmpty { try checkLines(pending[...]) }
    }
}
