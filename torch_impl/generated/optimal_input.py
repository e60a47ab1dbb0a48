"""optimal_input: PyTorch twin.

Generated from spec/models/optimal_input.json by `crosscheck generate optimal_input --framework torch`; do not edit.
Input: (batch, 10) float32, channels last like the spec; computed channels first inside.
"""
import torch
from torch import nn


class OptimalInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Linear(10, 784, bias=False)
        # fc1: load the weights of dorian_mlp300.fc1 after training it
        self.fc1 = nn.Linear(784, 300)
        self.fc1.requires_grad_(False)
        self.relu1 = nn.ReLU()
        # fc2: load the weights of dorian_mlp300.fc2 after training it
        self.fc2 = nn.Linear(300, 10)
        self.fc2.requires_grad_(False)
        self.probs_out = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.image.weight, mean=0.0, std=0.01)
        nn.init.normal_(self.fc1.weight, mean=0.0, std=0.03)
        nn.init.normal_(self.fc1.bias, mean=0.0, std=1.0)
        nn.init.normal_(self.fc2.weight, mean=0.0, std=0.03)
        nn.init.normal_(self.fc2.bias, mean=0.0, std=1.0)

    def regularization_loss(self):
        """The spec's L2 penalties (Keras l2(λ) = λ·Σw²), added to loss_fn by the training loop."""
        return (
            0.25 * self.image.weight.pow(2).sum()
        )

    def forward(self, class_one_hot):
        image = self.image(class_one_hot)
        fc1 = self.fc1(image)
        relu1 = self.relu1(fc1)
        fc2 = self.fc2(relu1)
        probs_out = self.probs_out(fc2)
        return probs_out


def build_model():
    return OptimalInput()


def loss_fn(labels, outputs):
    """Spec loss `clipped_cross_entropy` (clip=[1e-10, 0.9999999]), mean over the batch."""
    probs = outputs.clamp(1e-10, 0.9999999)
    return torch.mean(-torch.sum(labels * torch.log(probs) + (1.0 - labels) * torch.log(1.0 - probs), dim=-1))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.1, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.1, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss plus the L2 penalties, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss = loss + model.regularization_loss()
    loss.backward()
    optimizer.step()
    return loss.detach()
