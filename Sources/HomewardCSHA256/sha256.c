// SHA-256 (FIPS 180-4) for the log's chain hash: one call per record, no allocation, and the
// processor's SHA instructions when present. Checked against swift-crypto and the FIPS examples
// by the store's tests.

#include "HomewardCSHA256.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t roundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initialState[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

typedef void (*CompressFunction)(uint32_t state[8], const uint8_t *blocks, size_t count);

// MARK: Portable compression

static inline uint32_t rotateRight(uint32_t value, int count) {
    return (value >> count) | (value << (32 - count));
}

static inline uint32_t loadBigEndian32(const uint8_t *bytes) {
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) | (uint32_t)bytes[3];
}

static void compressPortable(uint32_t state[8], const uint8_t *blocks, size_t count) {
    uint32_t schedule[64];
    for (size_t block = 0; block < count; block++, blocks += 64) {
        for (int t = 0; t < 16; t++) schedule[t] = loadBigEndian32(blocks + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotateRight(schedule[t - 15], 7) ^ rotateRight(schedule[t - 15], 18) ^ (schedule[t - 15] >> 3);
            uint32_t s1 = rotateRight(schedule[t - 2], 17) ^ rotateRight(schedule[t - 2], 19) ^ (schedule[t - 2] >> 10);
            schedule[t] = schedule[t - 16] + s0 + schedule[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25);
            uint32_t choice = (e & f) ^ (~e & g);
            uint32_t first = h + sum1 + choice + roundConstants[t] + schedule[t];
            uint32_t sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22);
            uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            uint32_t second = sum0 + majority;
            h = g; g = f; f = e; e = d + first;
            d = c; c = b; b = a; a = first + second;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

// MARK: Compression with the SHA extensions

#if defined(__x86_64__)
__attribute__((target("sha,sse4.1,ssse3")))
static void compressWithInstructions(uint32_t state[8], const uint8_t *blocks, size_t count) {
    // Big-endian words of each 16-byte lane.
    const __m128i byteOrder = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // The instructions keep the state as (A, B, E, F) and (C, D, G, H).
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

// Four rounds on four message words.
#define FOUR_ROUNDS(words, constantIndex) do { \
        const __m128i withConstants = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&roundConstants[constantIndex])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, withConstants); \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(withConstants, 0x0E)); \
    } while (0)
// The next four words of the schedule, W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], from
// the four groups before them (oldest first); replaces the oldest.
#define NEXT_WORDS(oldest, second, third, newest) \
    oldest = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(oldest, second), _mm_alignr_epi8(newest, third, 4)), newest)
#define LOAD_WORDS(offset) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + (offset))), byteOrder)

    for (size_t block = 0; block < count; block++, blocks += 64) {
        const __m128i savedABEF = abef;
        const __m128i savedCDGH = cdgh;
        __m128i w0 = LOAD_WORDS(0), w1 = LOAD_WORDS(16), w2 = LOAD_WORDS(32), w3 = LOAD_WORDS(48);
        FOUR_ROUNDS(w0, 0);
        FOUR_ROUNDS(w1, 4);
        FOUR_ROUNDS(w2, 8);
        FOUR_ROUNDS(w3, 12);
        for (int constantIndex = 16; constantIndex < 64; constantIndex += 16) {
            NEXT_WORDS(w0, w1, w2, w3);
            FOUR_ROUNDS(w0, constantIndex);
            NEXT_WORDS(w1, w2, w3, w0);
            FOUR_ROUNDS(w1, constantIndex + 4);
            NEXT_WORDS(w2, w3, w0, w1);
            FOUR_ROUNDS(w2, constantIndex + 8);
            NEXT_WORDS(w3, w0, w1, w2);
            FOUR_ROUNDS(w3, constantIndex + 12);
        }
        abef = _mm_add_epi32(abef, savedABEF);
        cdgh = _mm_add_epi32(cdgh, savedCDGH);
    }
#undef FOUR_ROUNDS
#undef NEXT_WORDS
#undef LOAD_WORDS

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int processorHasInstructions(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int hasSSSE3 = (ecx >> 9) & 1, hasSSE41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int hasSHA = (ebx >> 29) & 1;
    return hasSSSE3 && hasSSE41 && hasSHA;
}
#endif

// The choice is made once; a data race on first use only ever stores the same value.
static CompressFunction chosenCompress = 0;

static CompressFunction compressFunction(void) {
    CompressFunction chosen = __atomic_load_n(&chosenCompress, __ATOMIC_RELAXED);
    if (chosen) return chosen;
    chosen = compressPortable;
#if defined(__x86_64__)
    if (processorHasInstructions()) chosen = compressWithInstructions;
#endif
    __atomic_store_n(&chosenCompress, chosen, __ATOMIC_RELAXED);
    return chosen;
}

int homeward_sha256_uses_instructions(void) {
    return compressFunction() != compressPortable;
}

// MARK: Hashing two parts

static void hashTwoParts(CompressFunction compress,
                         const uint8_t *first, size_t firstCount,
                         const uint8_t *second, size_t secondCount,
                         uint8_t digest[32]) {
    uint32_t state[8];
    memcpy(state, initialState, sizeof state);
    uint8_t buffer[128];
    size_t buffered = 0;
    const uint8_t *parts[2] = {first, second};
    const size_t counts[2] = {firstCount, secondCount};
    for (int part = 0; part < 2; part++) {
        const uint8_t *bytes = parts[part];
        size_t remaining = counts[part];
        if (remaining == 0) continue;  // an empty part may come as a null pointer
        if (buffered > 0) {
            size_t taken = 64 - buffered < remaining ? 64 - buffered : remaining;
            memcpy(buffer + buffered, bytes, taken);
            buffered += taken;
            bytes += taken;
            remaining -= taken;
            if (buffered < 64) continue;
            compress(state, buffer, 1);
            buffered = 0;
        }
        if (remaining >= 64) {
            compress(state, bytes, remaining / 64);
            bytes += remaining & ~(size_t)63;
            remaining &= 63;
        }
        memcpy(buffer, bytes, remaining);
        buffered = remaining;
    }
    // Padding: 0x80, zeros, then the message length in bits, big-endian, ending a block.
    const uint64_t bits = ((uint64_t)firstCount + (uint64_t)secondCount) * 8;
    buffer[buffered++] = 0x80;
    const size_t total = buffered + 8 <= 64 ? 64 : 128;
    memset(buffer + buffered, 0, total - 8 - buffered);
    for (int index = 0; index < 8; index++) buffer[total - 1 - index] = (uint8_t)(bits >> (8 * index));
    compress(state, buffer, total / 64);
    for (int word = 0; word < 8; word++) {
        digest[4 * word] = (uint8_t)(state[word] >> 24);
        digest[4 * word + 1] = (uint8_t)(state[word] >> 16);
        digest[4 * word + 2] = (uint8_t)(state[word] >> 8);
        digest[4 * word + 3] = (uint8_t)state[word];
    }
}

void homeward_sha256_two_parts(const void *first, size_t firstCount,
                               const void *second, size_t secondCount,
                               uint8_t digest[32]) {
    hashTwoParts(compressFunction(), first, firstCount, second, secondCount, digest);
}

void homeward_sha256_two_parts_portable(const void *first, size_t firstCount,
                                        const void *second, size_t secondCount,
                                        uint8_t digest[32]) {
    hashTwoParts(compressPortable, first, firstCount, second, secondCount, digest);
}
