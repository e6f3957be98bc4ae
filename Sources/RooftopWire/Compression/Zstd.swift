import CZstd

/// zstd compression through the system libzstd (RFC 8878 frames).
///
/// Decompression is streamed and stops at a caller-given limit, because a frame may carry no
/// content size and a hostile one may expand without bound.
public enum Zstd {
    /// Compresses `input` into one frame with a content size and an XXH64 content checksum.
    /// - Parameter level: zstd level (1–19; 3 is zstd's default).
    /// - Throws: ``ZstdError`` if libzstd reports an error.
    public static func compress(_ input: [UInt8], level: Int32 = 3) throws(ZstdError) -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "cannot allocate a compression context") }
        defer { ZSTD_freeCCtx(context) }
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { inp in
                ZSTD_compress2(context, out.baseAddress, out.count, inp.baseAddress, inp.count)
            }
        }
        try check(written)
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses exactly one frame.
    /// - Parameter limit: the most output bytes allowed.
    /// - Throws: ``ChangesetDecodingError`` with code `NOT_ZSTD` (bad magic, corrupt data or
    ///   checksum), `TRUNCATED` (the frame ends early), `TOO_LARGE` (output would pass `limit`) or
    ///   `MALFORMED` (bytes after the frame).
    public static func decompressFrame(_ frame: [UInt8], limit: Int) throws(ChangesetDecodingError) -> [UInt8] {
        guard frame.count >= 4 else { throw ChangesetDecodingError(.truncated, "\(frame.count) bytes is shorter than a zstd frame header") }
        guard frame[0] == 0x28, frame[1] == 0xB5, frame[2] == 0x2F, frame[3] == 0xFD else {
            throw ChangesetDecodingError(.notZstd, "input does not start with the zstd magic number")
        }
        guard let context = ZSTD_createDCtx() else { throw ChangesetDecodingError(.notZstd, "cannot allocate a decompression context") }
        defer { ZSTD_freeDCtx(context) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        var consumed = 0
        var finished = false
        var failure: ChangesetDecodingError?
        frame.withUnsafeBytes { inp in
            var inBuffer = ZSTD_inBuffer(src: inp.baseAddress, size: inp.count, pos: 0)
            while true {
                var produced = 0
                let hint = chunk.withUnsafeMutableBytes { out in
                    var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    produced = outBuffer.pos
                    return result
                }
                if ZSTD_isError(hint) != 0 {
                    failure = ChangesetDecodingError(.notZstd, "corrupt zstd frame: \(String(cString: ZSTD_getErrorName(hint)))")
                    return
                }
                if output.count + produced > limit {
                    failure = ChangesetDecodingError(.tooLarge, "payload exceeds the decompression limit of \(limit) bytes")
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                if hint == 0 { finished = true; break }
                // No progress possible: input used up and the output chunk not full.
                if inBuffer.pos == inBuffer.size && produced < chunk.count { break }
            }
            consumed = inBuffer.pos
        }
        if let failure { throw failure }
        guard finished else { throw ChangesetDecodingError(.truncated, "zstd frame ends early after \(frame.count) bytes") }
        guard consumed == frame.count else {
            throw ChangesetDecodingError(.malformed, "\(frame.count - consumed) bytes after the zstd frame")
        }
        return output
    }

    /// Splits concatenated zstd frames (a pull response) into single frames.
    /// - Throws: ``ChangesetDecodingError`` (`NOT_ZSTD` or `TRUNCATED`) for a bad or cut frame.
    public static func splitFrames(_ bytes: [UInt8]) throws(ChangesetDecodingError) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let size = bytes.withUnsafeBytes { raw in
                ZSTD_findFrameCompressedSize(raw.baseAddress! + offset, raw.count - offset)
            }
            if ZSTD_isError(size) != 0 {
                let name = String(cString: ZSTD_getErrorName(size))
                if name.contains("Src size is incorrect") || name.contains("srcSize") {
                    throw ChangesetDecodingError(.truncated, "zstd frame at byte \(offset) is cut short")
                }
                throw ChangesetDecodingError(.notZstd, "no zstd frame at byte \(offset): \(name)")
            }
            frames.append(Array(bytes[offset..<offset + size]))
            offset += size
        }
        return frames
    }

    private static func check(_ code: Int) throws(ZstdError) {
        if ZSTD_isError(code) != 0 { throw ZstdError(message: String(cString: ZSTD_getErrorName(code))) }
    }
}

/// libzstd reported an error while compressing.
public struct ZstdError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "zstd: \(message)" }
}
