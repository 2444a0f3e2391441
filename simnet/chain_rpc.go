package simnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// chainRPC serves the simulated chain's JSON-RPC over HTTP. go-ethereum's
// simulated backend only has an in-process client, so each request is
// forwarded through it. Only reads are served: the network alone writes
// to its chain, as on Livepeer nobody but the protocol's actors would.
type chainRPC struct {
	client  *rpc.Client
	timeout time.Duration
}

// chainRPCMethods are the methods served: what ethclient, bind and log
// readers call.
var chainRPCMethods = map[string]bool{
	"eth_chainId": true, "net_version": true, "web3_clientVersion": true, "eth_syncing": true,
	"eth_blockNumber": true, "eth_getBlockByNumber": true, "eth_getBlockByHash": true,
	"eth_call": true, "eth_getCode": true, "eth_getBalance": true, "eth_getStorageAt": true,
	"eth_getTransactionCount": true, "eth_getTransactionByHash": true, "eth_getTransactionReceipt": true,
	"eth_getLogs": true, "eth_gasPrice": true, "eth_maxPriorityFeePerGas": true, "eth_feeHistory": true,
	"eth_estimateGas": true,
}

const (
	chainRPCMaxBody  = 1 << 20
	chainRPCMaxBatch = 100
	// JSON-RPC 2.0 error codes.
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcNoMethod       = -32601
	rpcInvalidParams  = -32602
	rpcServerError    = -32000
)

type rpcRequest struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcErrorObject `json:"error,omitempty"`
}

type rpcErrorObject struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

var rpcNullID = json.RawMessage("null")

func (h *chainRPC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "JSON-RPC takes POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, chainRPCMaxBody))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var batch []json.RawMessage
		if err := json.Unmarshal(body, &batch); err != nil {
			writeRPC(w, rpcFailure(rpcNullID, rpcParseError, "parse error: "+err.Error()))
			return
		}
		if len(batch) == 0 || len(batch) > chainRPCMaxBatch {
			writeRPC(w, rpcFailure(rpcNullID, rpcInvalidRequest, "a batch holds 1 to 100 requests"))
			return
		}
		out := make([]rpcResponse, len(batch))
		for i, raw := range batch {
			out[i] = h.answer(ctx, raw)
		}
		writeRPC(w, out)
		return
	}
	writeRPC(w, h.answer(ctx, body))
}

// answer serves one request object.
func (h *chainRPC) answer(ctx context.Context, raw []byte) rpcResponse {
	var req rpcRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return rpcFailure(rpcNullID, rpcParseError, "parse error: "+err.Error())
		}
		return rpcFailure(rpcNullID, rpcInvalidRequest, "not a request object: "+err.Error())
	}
	id := req.ID
	if len(id) == 0 {
		id = rpcNullID
	}
	if req.JSONRPC != "2.0" || req.Method == "" {
		return rpcFailure(id, rpcInvalidRequest, `a request has "jsonrpc": "2.0" and a method`)
	}
	if !chainRPCMethods[req.Method] {
		return rpcFailure(id, rpcNoMethod, "the method "+req.Method+" is not served by simnet's chain (reads only)")
	}
	var params []json.RawMessage
	if p := bytes.TrimSpace(req.Params); len(p) > 0 && !bytes.Equal(p, []byte("null")) {
		if err := json.Unmarshal(p, &params); err != nil {
			return rpcFailure(id, rpcInvalidParams, "params must be an array")
		}
	}
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	var result json.RawMessage
	if err := h.client.CallContext(ctx, &result, req.Method, args...); err != nil {
		code, data := rpcServerError, any(nil)
		var re rpc.Error
		if errors.As(err, &re) {
			code = re.ErrorCode()
		}
		var de rpc.DataError
		if errors.As(err, &de) {
			data = de.ErrorData()
		}
		f := rpcFailure(id, code, err.Error())
		f.Error.Data = data
		return f
	}
	if result == nil {
		result = json.RawMessage("null")
	}
	return rpcResponse{JSONRPC: "2.0", ID: id, Result: result}
}

func rpcFailure(id json.RawMessage, code int, msg string) rpcResponse {
	return rpcResponse{JSONRPC: "2.0", ID: id, Error: &rpcErrorObject{Code: code, Message: msg}}
}

func writeRPC(w http.ResponseWriter, v any) {
	// JSON-RPC answers errors with 200 as well: the error is in the body.
	_ = json.NewEncoder(w).Encode(v)
}
