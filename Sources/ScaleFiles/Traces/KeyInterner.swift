import Foundation

/// Numbers byte strings 0, 1, 2, ... in the order they first appear, keeping each once.
///
/// Built for traces of millions of lines: no `String` per line, only the bytes of distinct
/// keys in one arena, found through an open-addressing table of ids. Ids depend only on the
/// order of first appearance, never on hashing.
struct KeyInterner {
    /// How many distinct keys ids can number: the table stores id + 1 in 32 bits.
    static let idLimit = Int(UInt32.max)
    /// The most bytes the keys can take together: `ends` are 32-bit.
    static let byteLimit = Int(UInt32.max)

    /// The most distinct keys this interner numbers.
    let maxKeys: Int
    /// The most bytes the distinct keys take together.
    let maxBytes: Int
    /// The bytes of every distinct key, one after another.
    private var arena: [UInt8] = []
    /// Where each key's bytes end in `arena`; the key before it ends where it starts.
    private var ends: [UInt32] = []
    /// Linear probing, a power of two long: each position holds a key's hash in the high
    /// half and its id + 1 in the low half, 0 where empty. The hash rejects most mismatches
    /// without touching the arena, and serves to rehash.
    private var table = [UInt64](repeating: 0, count: 1024)

    /// An interner of at most `maxKeys` keys taking at most `maxBytes` bytes together.
    init(maxKeys: Int, maxBytes: Int) {
        self.maxKeys = min(maxKeys, Self.idLimit)
        self.maxBytes = min(maxBytes, Self.byteLimit)
    }

    /// How many distinct keys so far.
    var count: Int { ends.count }

    /// The id of `key`, numbering it if it is new; `nil` when it is new and there is no
    /// room for it: `maxKeys` numbered already, or its bytes past `maxBytes`.
    mutating func id(for key: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let hash = Self.hash(key)
        let mask = table.count - 1
        var position = Int(hash) & mask
        while table[position] != 0 {
            let entry = table[position]
            let id = Int(UInt32(truncatingIfNeeded: entry)) - 1
            if UInt32(truncatingIfNeeded: entry >> 32) == hash && bytesEqual(id, key) { return UInt32(id) }
            position = (position + 1) & mask
        }
        guard count < maxKeys, arena.count + key.count <= maxBytes else { return nil }
        let id = count
        arena.append(contentsOf: key)
        ends.append(UInt32(arena.count))
        table[position] = UInt64(hash) << 32 | UInt64(id + 1)
        // Grow at 70% full: linear probing slows down fast beyond that.
        if count * 10 > table.count * 7 { growTable() }
        return UInt32(id)
    }

    private func bytesEqual(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = id == 0 ? 0 : Int(ends[id - 1])
        guard Int(ends[id]) - start == key.count else { return false }
        guard let keyBase = key.baseAddress else { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, keyBase, key.count) == 0 }
    }

    private mutating func growTable() {
        let old = table
        table = [UInt64](repeating: 0, count: old.count * 2)
        let mask = table.count - 1
        for entry in old where entry != 0 {
            var position = Int(entry >> 32) & mask
            while table[position] != 0 { position = (position + 1) & mask }
            table[position] = entry
        }
    }

    /// FNV-1a 64 of the bytes, folded to 32 bits.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
