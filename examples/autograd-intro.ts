// The seed walkthrough (PyTorch's autograd introduction) in TypeScript: prints exactly what PyTorch prints.
import * as torch from "tensorgrad";

// Create x and y data
const x = torch.arange(4.0);
console.log(`x is ${x}`);

x.requiresGrad_(true);
console.log(`The gradient of x is ${x.grad ?? "None"}`);

// y = 3x^2, y' = 6x + C
const y = torch.mul(3, torch.dot(x, x));

// Backpropagation
y.backward();
console.log(`The gradient of x is ${x.grad ?? "None"}`);
const verifyAutograd = x.grad!.eq(x.mul(6));
console.log(`Autograd produces expected results: ${verifyAutograd}`);

// Control flow: a Tensor in an `if` is always truthy in JavaScript, so compare its item().
function f(a: torch.Tensor): torch.Tensor {
  let b = a;
  if (a.item() < 0) {
    b = a.neg();
  }
  return b;
}

const a = torch.tensor([-5.0], { requiresGrad: true });
const b = torch.tensor([3.0], { requiresGrad: true });
const c = f(a);
c.backward();
const d = f(b);
d.backward();

// verify result
const expectedA = torch.tensor([-1]);
const expectedB = torch.tensor([1]);
const verifyA = a.grad!.eq(expectedA);
const verifyB = b.grad!.eq(expectedB);
console.log(`Tensor a has the value: ${a}`);
console.log(`Tensor b has the value: ${b}`);
console.log(`Tensor f(a) has the value: ${c}`);
console.log(`Tensor f(b) has the value: ${b}`);
console.log(`Gradient for a: ${a.grad}`);
console.log(`Gradient for b: ${b.grad}`);
console.log(`Custom control flow produces expected gradnient for a: ${verifyA}`);
console.log(`Custom control flow produces expected gradnient for b: ${verifyB}`);
