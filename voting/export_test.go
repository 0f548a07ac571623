package voting

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
)

// SealOldBox seals a receipt the way boxes were sealed before the choices
// were kept with it (the receipt alone), for the compatibility test.
func SealOldBox(code, nonce, receipt string) []byte {
	k, err := ParseCode(code)
	if err != nil {
		panic(err)
	}
	blk, _ := aes.NewCipher(receiptKey(k.plain, nonce))
	g, _ := cipher.NewGCM(blk)
	iv := make([]byte, g.NonceSize())
	rand.Read(iv)
	return g.Seal(iv, iv, []byte(receipt), nil)
}
