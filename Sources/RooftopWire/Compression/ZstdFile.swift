import CZstd
import Foundation

extension Zstd {
    /// Compresses the file at `source` into one zstd frame (RFC 8878) at `destination`, streamed in
    /// 1 MiB chunks so memory stays flat whatever the file size. The frame carries an XXH64
    /// content checksum, so `zstd -t` and ``decompressFile(at:to:limit:)`` detect corruption.
    /// - Parameters:
    ///   - level: zstd level (1 is fastest; 3 is zstd's default).
    ///   - workers: libzstd worker threads (0: compress on the calling thread).
    ///   - observe: called with each compressed chunk in order (e.g. to hash the frame as it is written).
    /// - Returns: the frame's size in bytes.
    /// - Throws: ``ZstdError``, or Foundation's file errors.
    @discardableResult
    public static func compressFile(at source: URL, to destination: URL, level: Int32 = 1, workers: Int32 = 0,
                                    observe: (UnsafeRawBufferPointer) -> Void = { _ in }) throws -> Int {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "cannot allocate a compression context") }
        defer { ZSTD_freeCCtx(context) }
        try checkFile(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try checkFile(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
        if workers > 0 { _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers) }  // ignored by a single-threaded libzstd
        let (input, output) = try openFiles(source, destination)
        defer { close(input, output) }
        var out = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        var written = 0
        while true {
            let chunk = try input.read(upToCount: 1 << 20) ?? Data()
            let last = chunk.isEmpty
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
                var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
                var finished = false
                while !finished {
                    let remaining = try out.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) throws -> Int in
                        var outBuffer = ZSTD_outBuffer(dst: outRaw.baseAddress, size: outRaw.count, pos: 0)
                        let code = ZSTD_compressStream2(context, &outBuffer, &inBuffer, last ? ZSTD_e_end : ZSTD_e_continue)
                        try checkFile(code)
                        if outBuffer.pos > 0 {
                            let produced = UnsafeRawBufferPointer(start: outRaw.baseAddress, count: outBuffer.pos)
                            observe(produced)
                            try output.write(contentsOf: produced)
                            written += outBuffer.pos
                        }
                        return code
                    }
                    finished = last ? remaining == 0 : inBuffer.pos == inBuffer.size
                }
            }
            if last { break }
        }
        return written
    }

    /// Decompresses the zstd frame in the file at `source` into `destination`, streamed.
    /// - Parameter limit: the most output bytes allowed (a hostile frame may expand without bound).
    /// - Returns: the decompressed size in bytes.
    /// - Throws: ``ChangesetDecodingError`` `NOT_ZSTD` (bad magic, corrupt data or checksum),
    ///   `TRUNCATED` (the frame ends early), `TOO_LARGE` (output would pass `limit`) or `MALFORMED`
    ///   (bytes after the frame); Foundation's file errors.
    @discardableResult
    public static func decompressFile(at source: URL, to destination: URL, limit: Int) throws -> Int {
        guard let context = ZSTD_createDCtx() else { throw ChangesetDecodingError(.notZstd, "cannot allocate a decompression context") }
        defer { ZSTD_freeDCtx(context) }
        let (input, output) = try openFiles(source, destination)
        defer { close(input, output) }
        var out = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var written = 0
        var frameDone = false
        var first = true
        while true {
            let chunk = try input.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty {
                guard frameDone else { throw ChangesetDecodingError(.truncated, "the zstd frame ends early") }
                return written
            }
            if first {
                first = false
                guard chunk.count >= 4, chunk.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) else {
                    throw ChangesetDecodingError(.notZstd, "input does not start with the zstd magic number")
                }
            }
            guard !frameDone else { throw ChangesetDecodingError(.malformed, "bytes after the zstd frame") }
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
                var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
                while inBuffer.pos < inBuffer.size || !frameDone {
                    if frameDone { throw ChangesetDecodingError(.malformed, "bytes after the zstd frame") }
                    let (code, produced) = try out.withUnsafeMutableBytes { (outRaw: UnsafeMutableRawBufferPointer) throws -> (Int, Int) in
                        var outBuffer = ZSTD_outBuffer(dst: outRaw.baseAddress, size: outRaw.count, pos: 0)
                        let code = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                        if ZSTD_isError(code) != 0 {
                            throw ChangesetDecodingError(.notZstd, "corrupt zstd data: \(String(cString: ZSTD_getErrorName(code)))")
                        }
                        written += outBuffer.pos
                        if written > limit { throw ChangesetDecodingError(.tooLarge, "decompressed size passes the limit of \(limit) bytes") }
                        if outBuffer.pos > 0 { try output.write(contentsOf: UnsafeRawBufferPointer(start: outRaw.baseAddress, count: outBuffer.pos)) }
                        return (code, outBuffer.pos)
                    }
                    if code == 0 { frameDone = true }
                    // Input consumed and no output pending: wait for the next chunk.
                    if !frameDone && inBuffer.pos == inBuffer.size && produced < out.count { break }
                }
            }
        }
    }

    /// `source` for reading and `destination` created or emptied for writing.
    private static func close(_ input: FileHandle, _ output: FileHandle) {
        try? input.close()
        try? output.close()
    }

    private static func openFiles(_ source: URL, _ destination: URL) throws -> (FileHandle, FileHandle) {
        let input = try FileHandle(forReadingFrom: source)
        try? PrivateFiles.createIfAbsent(atPath: destination.path)  // 0600 (a snapshot: the whole CRM); opening it below reports a failure
        do {
            let output = try FileHandle(forWritingTo: destination)
            try output.truncate(atOffset: 0)
            return (input, output)
        } catch {
            try? input.close()
            throw error
        }
    }

    private static func checkFile(_ code: Int) throws(ZstdError) {
        if ZSTD_isError(code) != 0 { throw ZstdError(message: String(cString: ZSTD_getErrorName(code))) }
    }
}
